#!/usr/bin/env python3
"""Reads our metadata service with Debian's cloud-init, as a node would, from a given source address.

usage: cloud_init_client.py BASE_URL SOURCE_ADDRESS openstack|ec2

Prints one JSON document. Every connection is made from SOURCE_ADDRESS, and only to loopback or to
BASE_URL's own host (169.254.169.254 inside a test's network namespace): cloud-init's OpenStack reader
also crawls EC2 at 169.254.169.254, which is pointed at BASE_URL here.
"""
import copy
import json
import sys
from urllib.parse import urlsplit

from jsonable import jsonable

import urllib3.util.connection as connection

BASE_URL, SOURCE_ADDRESS, MODE = sys.argv[1:4]
_create_connection = connection.create_connection


def create_connection(address, *args, **kwargs):
    host = address[0]
    if not host.startswith("127.") and host != urlsplit(BASE_URL).hostname:
        raise OSError(f"refusing to connect to {host}: the tests talk only to loopback and {BASE_URL}")
    kwargs["source_address"] = (SOURCE_ADDRESS, 0)
    return _create_connection(address, *args, **kwargs)


connection.create_connection = create_connection

from cloudinit.sources.helpers import ec2, openstack  # noqa: E402  (after the patch, on purpose)


class LocalMetadataReader(openstack.MetadataReader):
    """cloud-init's reader with its EC2 crawl sent to our base URL instead of 169.254.169.254."""

    def _read_ec2_metadata(self):
        return ec2.get_instance_metadata(metadata_address=BASE_URL, timeout=self.timeout, retries=self.retries)


if MODE == "openstack":
    result = LocalMetadataReader(BASE_URL, timeout=5, retries=0).read_v2()
    network = result.get("networkdata")
    # On the node, cloud-init maps each link's MAC to the NIC the kernel has; these are that node's NICs.
    macs = [link["ethernet_mac_address"] for link in (network or {}).get("links", []) if link.get("type") == "phy"]
    known_macs = {mac: f"eth{index}" for index, mac in enumerate(macs)}
    # convert_net_json edits what it is given; keep what was served intact for the test to compare.
    result["network_config"] = openstack.convert_net_json(copy.deepcopy(network), known_macs=known_macs) if network else None
elif MODE == "ec2":
    result = {
        "metadata": ec2.get_instance_metadata(metadata_address=BASE_URL, timeout=5, retries=0),
        "userdata": ec2.get_instance_userdata(metadata_address=BASE_URL, timeout=5, retries=0),
        # What DataSourceEc2 reads on AWS: dynamic/instance-identity/, the document parsed as JSON.
        "identity": ec2.get_instance_identity(metadata_address=BASE_URL, timeout=5, retries=0),
    }
else:
    sys.exit(f"unknown mode {MODE}: use openstack or ec2")
print(json.dumps(jsonable(result)))
