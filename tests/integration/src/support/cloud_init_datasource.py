#!/usr/bin/env python3
"""Runs one of Debian's cloud-init data sources as it runs on a node, and prints what it found.

usage: cloud_init_datasource.py SOURCE_ADDRESS SERVICE_PORT DATASOURCE [--config FILE]...
           [--cmdline FILE] [--cloud-dir DIR]

DATASOURCE is the class cloud-init runs: OpenStack (DataSourceOpenStack, network stage), NoCloudNet
(DataSourceNoCloudNet, network stage) or NoCloud (DataSourceNoCloud, local stage: the seed
directory under --cloud-dir). The system configuration is Debian's /etc/cloud/cloud.cfg with each
--config file merged over it, as cloud-init merges /etc/cloud/cloud.cfg.d/*.cfg; --cmdline names a
file holding the kernel command line. Run it where /sys/class/dmi/id says what the node's firmware
says (bare-metal-dmi.sh).

Every connection is made from SOURCE_ADDRESS. One to 169.254.169.254:80 reaches the service on
127.0.0.1:SERVICE_PORT, as the node's route to the service would; any other address outside
loopback is refused, so nothing leaves this machine.

Prints one JSON document: whether the data source claimed the node, and what it read.
"""
import argparse
import base64
import json
import os
import tempfile

import urllib3.util.connection as connection

parser = argparse.ArgumentParser()
parser.add_argument("source_address")
parser.add_argument("service_port", type=int)
parser.add_argument("datasource", choices=["OpenStack", "NoCloudNet", "NoCloud"])
parser.add_argument("--config", action="append", default=[])
parser.add_argument("--cmdline")
parser.add_argument("--cloud-dir")
args = parser.parse_args()

METADATA_ADDRESS = ("169.254.169.254", 80)
_create_connection = connection.create_connection


def create_connection(address, *rest, **kwargs):
    host, port = address[0], address[1]
    if (host, port) == METADATA_ADDRESS:
        address = ("127.0.0.1", args.service_port)
    elif not host.startswith("127."):
        raise OSError(f"refusing to connect to {host}: the tests talk only to loopback")
    kwargs["source_address"] = (args.source_address, 0)
    return _create_connection(address, *rest, **kwargs)


connection.create_connection = create_connection

if args.cmdline:
    # cloud-init's util.get_cmdline() reads this in place of /proc/cmdline.
    with open(args.cmdline, encoding="utf-8") as cmdline:
        os.environ["DEBUG_PROC_CMDLINE"] = cmdline.read().strip()

# After the patch, on purpose: cloud-init's HTTP goes through requests and urllib3.
from cloudinit import distros, helpers, log, util  # noqa: E402
from cloudinit.net import network_state  # noqa: E402
from cloudinit.sources import DataSourceNoCloud, DataSourceOpenStack  # noqa: E402

CLASSES = {
    "OpenStack": DataSourceOpenStack.DataSourceOpenStack,
    "NoCloudNet": DataSourceNoCloud.DataSourceNoCloudNet,
    "NoCloud": DataSourceNoCloud.DataSourceNoCloud,
}


def bytes_of(value):
    if value is None:
        return None
    return {"base64": base64.b64encode(value if isinstance(value, bytes) else value.encode()).decode()}


def interfaces_of(config):
    """cloud-init's own network state parser, as the renderers get it."""
    state = network_state.parse_net_config_data(config)
    return {
        "interfaces": [
            {key: value for key, value in interface.items() if value not in (None, [], {})}
            for interface in state.iter_interfaces()
        ],
        "nameservers": state.dns_nameservers,
    }


if os.environ.get("NC_DEBUG"):
    log.setupBasicLogging()
sys_cfg = util.mergemanydict([util.read_conf(path) for path in reversed(args.config)] + [util.read_conf("/etc/cloud/cloud.cfg")])
with tempfile.TemporaryDirectory(prefix="nc-cloud-init-") as scratch:
    paths = helpers.Paths({"cloud_dir": args.cloud_dir or os.path.join(scratch, "cloud"), "run_dir": os.path.join(scratch, "run")})
    distro_name = sys_cfg.get("system_info", {}).get("distro", "debian")
    distro = distros.fetch(distro_name)(distro_name, sys_cfg, paths)
    datasource = CLASSES[args.datasource](sys_cfg, distro, paths)
    found = datasource.get_data()
    result = {"datasource_list": sys_cfg.get("datasource_list"), "found": found}
    if found:
        # The OpenStack source names NICs by the MACs this machine has, which are not the node's:
        # its network data is checked as read (cloud_init_client.py converts it).
        network_config = datasource.network_config if args.datasource != "OpenStack" else None
        result.update(
            {
                "dsmode": datasource.dsmode,
                "instance_id": datasource.get_instance_id(),
                "local_hostname": datasource.metadata.get("local-hostname"),
                "hostname": datasource.get_hostname(fqdn=True).hostname,
                "public_keys": datasource.get_public_ssh_keys(),
                "availability_zone": datasource.availability_zone,
                "userdata_raw": bytes_of(datasource.userdata_raw),
                "vendordata_raw": bytes_of(datasource.vendordata_raw),
                "network_json": getattr(datasource, "network_json", None),
                "network_config": network_config,
                "network_state": interfaces_of(network_config) if network_config else None,
            }
        )
print(json.dumps(result, default=str))
