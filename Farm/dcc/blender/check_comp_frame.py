"""Compares a Blender comp frame (render_comp_frame.py) with the official ACES config via OpenColorIO.

    check_comp_frame.py PLATE_EXR BLENDER_EXR BLENDER_PNG

Prints: the largest absolute difference between Blender's scene-linear EXR and the plate converted
ACES2065-1 -> ACEScg (Blender's scene_linear with the ACES config), the largest difference in 8-bit
codes between Blender's PNG and the official sRGB - Display / ACES 1.0 - SDR Video rendering
(clamped, rounded), and how many 8-bit values differ. PNG pixels are decoded by ffmpeg.
"""
import sys, subprocess, numpy as np, OpenEXR, PyOpenColorIO as OCIO
plate, exr, png = sys.argv[1:4]
def rd(p):
    with OpenEXR.File(p, separate_channels=True) as e:
        ch = e.channels(); return np.ascontiguousarray(np.stack([ch[c].pixels.astype(np.float32) for c in "RGB"], -1))
official = OCIO.Config.CreateFromFile("ocio://cg-config-v1.0.0_aces-v1.3_ocio-v2.1")
src = rd(plate); h, w, _ = src.shape
lin = src.copy(); official.getProcessor("ACES2065-1", "ACEScg").getDefaultCPUProcessor().applyRGB(lin)
got = rd(exr)
disp = src.copy()
official.getProcessor(OCIO.DisplayViewTransform(src="ACES2065-1", display="sRGB - Display", view="ACES 1.0 - SDR Video")).getDefaultCPUProcessor().applyRGB(disp)
want8 = np.round(np.clip(disp, 0, 1) * 255)
raw = subprocess.run(["ffmpeg", "-v", "error", "-i", png, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], check=True, capture_output=True).stdout
got8 = np.frombuffer(raw, np.uint8).reshape(h, w, 3).astype(np.float64)
print(float(np.abs(got - lin).max()), float(np.abs(got8 - want8).max()), int((np.abs(got8 - want8) > 0).sum()))
