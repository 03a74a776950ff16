#!/usr/bin/python3
"""Runs cloud-init's own DataSourceOpenStack or DataSourceEc2 class, as cloud-init does at boot.

usage: cloud_init_datasource.py openstack|ec2 PLATFORM WORK_DIR
  PLATFORM  nova: DMI of a Nova guest (OpenStack's platform check passes)
            aws: DMI of an EC2 instance (cloud-init then uses IMDSv2 tokens)
            bare-metal: DMI of a server from a hardware vendor (cloud-init then uses IMDSv1)

Prints one JSON document: whether get_data() found the datasource, what the datasource then holds,
and the warnings cloud-init logged. Run it inside the node's network namespace: the datasources ask
their hard-coded http://169.254.169.254.

The only things replaced are the platform checks, the way cloud-init's unit tests replace them
(tests/unittests/sources/test_openstack.py patches detect_openstack; test_ec2.py patches
_collect_platform_data): they read this machine's DMI, which says nothing about the node under test.
"""
import base64
import copy
import json
import logging
import sys
from unittest import mock

from cloudinit import distros, helpers, settings
from cloudinit.sources import DataSourceEc2, DataSourceOpenStack

KIND, PLATFORM, WORK_DIR = sys.argv[1:4]

# _collect_platform_data's keys, lower case as it returns them. An EC2 instance's DMI uuid and serial
# start with "ec2" and agree (identify_aws); a vendor's server matches no cloud (CloudNames.UNKNOWN).
PLATFORM_DATA = {
    "aws": {"uuid": "ec2e1916-9099-7caf-fd21-012345abcdef", "uuid_source": "dmi", "serial": "ec2e1916-9099-7caf-fd21-012345abcdef",
            "asset_tag": "i-0123456789abcdef0", "vendor": "amazon ec2", "product_name": "m5.large"},
    "bare-metal": {"uuid": "4c4c4544-0042-3510-8052-b3c04f4e3432", "uuid_source": "dmi", "serial": "cz2d3k4",
                   "asset_tag": "", "vendor": "dell inc.", "product_name": "poweredge r650"},
}

# Short waits: a refused request must not hold the suite for cloud-init's 120 s default.
DATASOURCE_CONFIG = {"max_wait": 3, "timeout": 2, "retries": 0}


class Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def jsonable(value):
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode()}
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    return value


def datasource(cls):
    paths = helpers.Paths({"cloud_dir": f"{WORK_DIR}/var/lib/cloud", "run_dir": f"{WORK_DIR}/run/cloud-init"})
    sys_cfg = copy.deepcopy(settings.CFG_BUILTIN)
    sys_cfg["datasource"] = {"OpenStack": DATASOURCE_CONFIG, "Ec2": DATASOURCE_CONFIG}
    distro = distros.fetch("debian")("debian", {}, paths)
    return cls(sys_cfg, distro, paths)


def run_openstack():
    if PLATFORM != "nova":
        sys.exit(f"the OpenStack datasource runs here only on the nova platform, not {PLATFORM}")
    ds = datasource(DataSourceOpenStack.DataSourceOpenStack)
    with mock.patch.object(DataSourceOpenStack, "detect_openstack", return_value=True):
        found = ds.get_data()
    return ds, found, {"ec2_metadata": ds.ec2_metadata if found else None, "network_json": ds.network_json if found else None}


def run_ec2():
    if PLATFORM not in PLATFORM_DATA:
        sys.exit(f"unknown platform {PLATFORM} for the Ec2 datasource: use {', '.join(PLATFORM_DATA)}")
    ds = datasource(DataSourceEc2.DataSourceEc2)
    with mock.patch.object(DataSourceEc2, "_collect_platform_data", return_value=PLATFORM_DATA[PLATFORM]):
        found = ds.get_data()
    return ds, found, {"cloud_name": ds.cloud_name, "region": ds.region if found else None, "identity": getattr(ds, "identity", None)}


def main():
    warnings = Warnings()
    logging.getLogger().addHandler(warnings)
    logging.getLogger().setLevel(logging.DEBUG)
    if KIND == "openstack":
        ds, found, extra = run_openstack()
    elif KIND == "ec2":
        ds, found, extra = run_ec2()
    else:
        sys.exit(f"unknown datasource {KIND}: use openstack or ec2")
    result = {"found": found, "warnings": warnings.messages, **extra}
    if found:
        result.update(
            {
                "instance_id": ds.get_instance_id(),
                "local_hostname": ds.get_hostname().hostname,
                "public_ssh_keys": ds.get_public_ssh_keys(),
                "availability_zone": ds.availability_zone,
                "metadata": ds.metadata,
                "userdata_raw": ds.get_userdata_raw(),
                "network_config": ds.network_config,
            }
        )
    print(json.dumps(jsonable(result)))


main()
