#!/usr/bin/env python3
"""Reads a config drive with Debian's cloud-init, as its ConfigDrive data source reads one.

usage: config_drive_reader.py IMAGE DIRECTORY

IMAGE is the drive's ISO 9660 image, DIRECTORY its tree as extracted from it (this kernel may not mount
ISO 9660). Prints one JSON document: `labelled`, whether cloud-init's own probe for the data source's
devices (`util.find_devs_with("LABEL=config-2")`, blkid) finds the image, and `drive`, what the data
source's `read_config_drive` (ConfigDriveReader's read_v2) makes of the tree. Bytes are {"base64": ...}.
"""
import json
import sys

from cloudinit import util
from cloudinit.sources.DataSourceConfigDrive import LABEL_TYPES, read_config_drive
from jsonable import jsonable

IMAGE, DIRECTORY = sys.argv[1:3]


labelled = any(IMAGE in util.find_devs_with(f"LABEL={label}", path=IMAGE) for label in LABEL_TYPES)
print(json.dumps({"labelled": labelled, "drive": jsonable(read_config_drive(DIRECTORY))}))
