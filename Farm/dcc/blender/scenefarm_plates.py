"""SceneFarm plates in Blender: load a published version into the compositor and the sequencer.

Blender 3.4 ignores an EXR's `chromaticities` and OCIO file rules, opens frame 1001 of a sequence
as UDIM tiles, and a Movie Clip starts at frame 1 with no rate. This loads the version as an image
sequence with the colour space, frame range and exact rational rate from the version's `.otio`
(`metadata.scenefarm.colorspace`, `fps`, the image sequence's start frame and range).

Start Blender with the config the plates were made with, e.g.
    OCIO=ColorConfigs/aces-1.3-scenefarm.ocio blender
then run this file (Text Editor → Run Script, or `blender --python scenefarm_plates.py`) and call
    load_version("/mnt/plates/demo/sh010/plates/bg/v003")      # or the .otio file
Installed as an add-on (Edit → Preferences → Add-ons → Install…), it adds File → Import →
SceneFarm version (.otio).
"""
import json
import os
import urllib.parse
from fractions import Fraction

import bpy

bl_info = {
    "name": "SceneFarm plates",
    "author": "SceneFarm",
    "version": (1, 0, 0),
    "blender": (3, 4, 0),
    "location": "File > Import > SceneFarm version (.otio)",
    "description": "Load a SceneFarm plate version as an image sequence with its colour space, frames and rate",
    "category": "Import-Export",
}

DISPLAY = "sRGB - Display"
VIEW = "ACES 1.0 - SDR Video"


def read_version(path):
    """The version's frames, colour space and rate from its .otio (a folder or the file itself)."""
    if os.path.isdir(path):
        names = sorted(n for n in os.listdir(path) if n.endswith(".otio") and not n.startswith("."))
        if not names:
            raise ValueError(f"{path} holds no .otio: give a SceneFarm version folder")
        path = os.path.join(path, names[0])
    with open(path) as f:
        timeline = json.load(f)
    clip = timeline["tracks"]["children"][0]["children"][0]
    ref = clip["media_references"][clip["active_media_reference_key"]]
    meta = clip["metadata"]["scenefarm"]
    folder = urllib.parse.unquote(urllib.parse.urlparse(ref["target_url_base"]).path)
    if not os.path.isdir(folder):
        # A moved version: its frames sit beside the .otio (`scenefarm relink` rewrites the URL for good).
        folder = os.path.dirname(os.path.abspath(path))
    first = int(ref["start_frame"])
    count = int(round(ref["available_range"]["duration"]["value"]))
    names = [f"{ref['name_prefix']}{first + i:0{ref['frame_zero_padding']}d}{ref['name_suffix']}" for i in range(count)]
    return {"folder": folder, "frames": names, "first": first, "count": count,
            "colorspace": meta["colorspace"], "fps": Fraction(meta["fps"])}


def load_version(path, scene=None):
    """Loads the version into `scene` (default: the current one); returns the image and the strip."""
    scene = scene or bpy.context.scene
    v = read_version(path)
    # The rate exactly: 24000/1001 is fps 24 with base 1.001.
    fps = round(float(v["fps"]))
    scene.render.fps = fps
    scene.render.fps_base = float(Fraction(fps) / v["fps"])
    scene.frame_start = v["first"]
    scene.frame_end = v["first"] + v["count"] - 1
    scene.frame_current = v["first"]

    first_path = os.path.join(v["folder"], v["frames"][0])
    image = bpy.data.images.load(first_path, check_existing=True)
    width, height = image.size  # a sequence reports 0×0 until a frame is shown: read it from the still
    image.source = "SEQUENCE"  # not UDIM tiles, whatever the 1001 in the name suggests
    image.colorspace_settings.name = v["colorspace"]
    scene.render.resolution_x, scene.render.resolution_y, scene.render.resolution_percentage = width, height, 100

    settings = scene.display_settings
    try:
        settings.display_device = DISPLAY
        scene.view_settings.view_transform = VIEW
    except TypeError:
        pass  # a config without the ACES display: keep Blender's choice

    scene.use_nodes = True
    tree = scene.node_tree
    node = tree.nodes.new("CompositorNodeImage")
    node.image = image
    node.frame_duration = v["count"]
    node.frame_start = v["first"]
    node.frame_offset = v["first"] - 1  # the image user counts files from 1; file 1 is frame 1001
    composite = next((n for n in tree.nodes if n.type == "COMPOSITE"), None) or tree.nodes.new("CompositorNodeComposite")
    tree.links.new(node.outputs["Image"], composite.inputs["Image"])

    editor = scene.sequence_editor or scene.sequence_editor_create()
    strip = editor.sequences.new_image(os.path.basename(v["folder"]) or "plate", first_path, channel=1, frame_start=v["first"])
    for name in v["frames"][1:]:
        strip.elements.append(name)
    strip.colorspace_settings.name = v["colorspace"]
    return image, strip


class IMPORT_OT_scenefarm_version(bpy.types.Operator):
    """Load a SceneFarm version (.otio) as an image sequence"""
    bl_idname = "import_image.scenefarm_version"
    bl_label = "SceneFarm version (.otio)"
    filepath: bpy.props.StringProperty(subtype="FILE_PATH")
    filter_glob: bpy.props.StringProperty(default="*.otio", options={"HIDDEN"})

    def execute(self, context):
        load_version(self.filepath, context.scene)
        return {"FINISHED"}

    def invoke(self, context, event):
        context.window_manager.fileselect_add(self)
        return {"RUNNING_MODAL"}


def menu(self, context):
    self.layout.operator(IMPORT_OT_scenefarm_version.bl_idname, text="SceneFarm version (.otio)")


def register():
    bpy.utils.register_class(IMPORT_OT_scenefarm_version)
    bpy.types.TOPBAR_MT_file_import.append(menu)


def unregister():
    bpy.types.TOPBAR_MT_file_import.remove(menu)
    bpy.utils.unregister_class(IMPORT_OT_scenefarm_version)
