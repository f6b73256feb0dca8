"""Writes manifest.json for ESP Web Tools next to the firmware image.

PlatformIO runs this after it links (platformio.ini: extra_scripts = post:...): once
.pio/build/<env>/firmware.bin is written, manifest.json appears beside it, naming that image,
the firmware version (custom_firmware_version in platformio.ini, the one Improv reports) and
the ESP8266 chip family. Copy the two files together to the web app's public/firmware/ (README.md,
"Flashing without a toolchain"): the app's install page (/firmware.html) offers ESP Web Tools,
which reads the manifest and fetches the image from the same folder.

Run by hand (and by its test) on a build folder:
    python3 esp_web_tools_manifest.py <build dir> <version> [<image name>]
"""

import json
import os
import sys

MANIFEST_NAME = "manifest.json"


def manifest_for(image_name, version):
    """The manifest (ESP Web Tools 10's format) for one ESP8266 image flashed whole at offset 0."""
    return {
        "name": "Hearth thermostat",
        "version": version,
        # Every install asks whether to erase the flash first (unticked by default). Erasing
        # forgets the thermostat's key, so every phone paired with it must pair again; without
        # it, key, settings and Wi-Fi stay.
        "new_install_prompt_erase": True,
        # 0: ESP Web Tools offers no Wi-Fi step of its own (it looks for Improv neither after
        # flashing nor on connecting). Its step would give the thermostat a network but not this
        # app's broker and address, nor pair it: the app's "Set up a new thermostat" does all three
        # over the same cable, and the install page sends the user there.
        "new_install_improv_wait_time": 0,
        "builds": [
            {
                "chipFamily": "ESP8266",
                # Read by ESP Web Tools before version 9 (later ones detect Improv themselves):
                # the same answer, set up in the app instead.
                "improv": False,
                # The Arduino core's firmware.bin starts with its boot loader: it goes at 0.
                "parts": [{"path": image_name, "offset": 0}],
            }
        ],
    }


def write_manifest(build_dir, version, image_name="firmware.bin"):
    """Writes build_dir/manifest.json for build_dir/image_name; returns its path."""
    if not version or any(c.isspace() for c in version):
        raise ValueError("the firmware version must be one word, got %r" % (version,))
    image = os.path.join(build_dir, image_name)
    if not os.path.isfile(image) or os.path.getsize(image) == 0:
        raise FileNotFoundError("no firmware image at %s: build it first (pio run -e d1_mini)" % image)
    path = os.path.join(build_dir, MANIFEST_NAME)
    temp = path + ".tmp"
    with open(temp, "w", encoding="utf-8") as out:
        json.dump(manifest_for(image_name, version), out, indent=2)
        out.write("\n")
    os.replace(temp, path)  # never a half-written manifest beside the image
    return path


def register_post_build(build_env):
    """Writes the manifest each time PlatformIO has written firmware.bin."""
    version = build_env.GetProjectOption("custom_firmware_version")

    def after_image(source, target, env):
        image = str(target[0])
        written = write_manifest(os.path.dirname(image), version, os.path.basename(image))
        print("ESP Web Tools manifest: %s" % written)

    build_env.AddPostAction("$BUILD_DIR/${PROGNAME}.bin", after_image)


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: esp_web_tools_manifest.py <build dir> <version> [<image name>]")
    print(write_manifest(*sys.argv[1:]))
elif "Import" in globals():  # run by PlatformIO, whose SCons provides Import and env
    Import("env")  # noqa: F821
    register_post_build(env)  # noqa: F821
