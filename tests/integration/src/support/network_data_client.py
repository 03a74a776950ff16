#!/usr/bin/env python3
"""Reads network_data.json from our metadata service for several nodes and runs Debian's cloud-init
`convert_net_json` over each, as cloud-init's OpenStack and config drive sources do on the node.

usage: network_data_client.py BASE_URL SOURCE_ADDRESS...

Prints one JSON list, one entry per address: {"address", "config"} when cloud-init accepted the
network_data, {"address", "error"} when it raised. Every request is made from its node's address,
and only to loopback.
"""
import copy
import json
import sys

import urllib3

from cloudinit.sources.helpers import openstack

BASE_URL, *ADDRESSES = sys.argv[1:]
if not BASE_URL.startswith("http://127."):
    sys.exit(f"refusing {BASE_URL}: the tests talk only to loopback")

results = []
for address in ADDRESSES:
    pool = urllib3.PoolManager(source_address=(address, 0), retries=False, timeout=10)
    response = pool.request("GET", f"{BASE_URL}/openstack/latest/network_data.json")
    if response.status != 200:
        results.append({"address": address, "error": f"HTTP {response.status}: {response.data.decode()}"})
        continue
    network = json.loads(response.data)
    # The node's kernel has one NIC per physical link: cloud-init names each NIC it finds by MAC.
    physical = [link["ethernet_mac_address"].lower() for link in network["links"] if link.get("type") not in ("bond", "vlan")]
    known_macs = {mac: f"eth{index}" for index, mac in enumerate(physical)}
    try:
        config = openstack.convert_net_json(copy.deepcopy(network), known_macs=known_macs)
        results.append({"address": address, "config": config})
    except Exception as error:  # noqa: BLE001  (any refusal is the finding: report it with its node)
        results.append({"address": address, "error": f"{type(error).__name__}: {error}"})
print(json.dumps(results))
