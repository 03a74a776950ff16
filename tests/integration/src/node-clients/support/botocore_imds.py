#!/usr/bin/python3
"""Reads the metadata service with botocore's own IMDS fetchers, as the AWS CLI and boto3 do on a node.

usage: botocore_imds.py META_DATA_PATH...

Prints one JSON document: the value of each path under latest/meta-data/ as InstanceMetadataFetcher
reads it (an IMDSv2 token first, as botocore always asks for one; no token if the PUT is refused),
whether a token was issued, and the region IMDSRegionProvider gives boto3 (botocore derives it from
placement/availability-zone). Run it inside the node's network namespace: botocore asks its
hard-coded http://169.254.169.254.

InstanceMetadataFetcher's one public read is IAM role credentials, which a bare-metal node has none
of; its token and GET methods (what that read and IMDSRegionProvider run) read the paths asked here.
"""
import json
import sys

import botocore.session
from botocore.utils import IMDSRegionProvider, InstanceMetadataFetcher

fetcher = InstanceMetadataFetcher(timeout=2, num_attempts=1)
token = fetcher._fetch_metadata_token()
values = {}
for path in sys.argv[1:]:
    try:
        values[path] = fetcher._get_request(f"latest/meta-data/{path}", None, token).text
    except fetcher._RETRIES_EXCEEDED_ERROR_CLS:
        # botocore's answer to any refusal (a status other than 200, or an empty body).
        values[path] = None

session = botocore.session.get_session()
session.set_config_variable("metadata_service_timeout", 2)
region = IMDSRegionProvider(session).provide()
print(json.dumps({"token_issued": token is not None, "values": values, "region": region}))
