"""Renders one compositor frame of a SceneFarm version in Blender, headless.

    OCIO=ColorConfigs/aces-1.3-scenefarm.ocio blender -b --factory-startup \
        --python Farm/dcc/blender/render_comp_frame.py -- VERSION_DIR_OR_OTIO FRAME OUT_BASE

Loads the version with scenefarm_plates.load_version, renders frame FRAME through the compositor
(no 3D render: the default Render Layers node is removed) and writes OUT_BASE.exr (float,
Blender's scene-linear space, i.e. the config's scene_linear role) and OUT_BASE.png (8-bit, through
the scene's display and view). Prints one line `scenefarm: key=value …` describing the scene.
"""
import os
import sys

import bpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenefarm_plates  # noqa: E402

version, frame, out = sys.argv[sys.argv.index("--") + 1:][:3]
scene = bpy.context.scene
image, strip = scenefarm_plates.load_version(version, scene)
for node in [n for n in scene.node_tree.nodes if n.type == "R_LAYERS"]:
    scene.node_tree.nodes.remove(node)
scene.render.dither_intensity = 0  # Blender dithers 8-bit output by default; compare exact codes
scene.render.use_sequencer = False
scene.render.use_compositing = True
scene.frame_set(int(frame))
for fmt, depth, ext in (("OPEN_EXR", "32", ".exr"), ("PNG", "8", ".png")):
    scene.render.image_settings.file_format = fmt
    scene.render.image_settings.color_depth = depth
    if fmt == "OPEN_EXR":
        scene.render.image_settings.exr_codec = "NONE"
    scene.render.filepath = out + ext
    scene.render.use_file_extension = False
    bpy.ops.render.render(write_still=True)
print("scenefarm:", f"frame_start={scene.frame_start}", f"frame_end={scene.frame_end}", f"fps={scene.render.fps}",
      f"fps_base={scene.render.fps_base!r}", f"source={image.source}", f"colorspace={image.colorspace_settings.name}",
      f"strip={strip.frame_final_start}-{strip.frame_final_end - 1}", f"strip_colorspace={strip.colorspace_settings.name}",
      f"display={scene.display_settings.display_device}", f"view={scene.view_settings.view_transform}",
      f"size={scene.render.resolution_x}x{scene.render.resolution_y}", sep=" ")
