# Runs PolicyCaseTableTest's rows through boto3 in one process (a Python start per row would be slow).
# argv[1]: endpoint URL; stdin: [{"name", "accessKeyId", "secretAccessKey", "sessionToken", "keyId",
# "context", "grantTokens"}]; stdout: {name: {"allowed": true} or {"code": ..., "message": ...}}.
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

clients = {}


def client(row):
    access_key = row["accessKeyId"]
    if access_key not in clients:
        clients[access_key] = boto3.client(
            "kms", endpoint_url=sys.argv[1], region_name="us-east-1",
            aws_access_key_id=access_key, aws_secret_access_key=row["secretAccessKey"],
            aws_session_token=row.get("sessionToken"),
            config=Config(retries={"total_max_attempts": 1}))
    return clients[access_key]


outcomes = {}
for row in json.load(sys.stdin):
    request = {"KeyId": row["keyId"], "Plaintext": b"x"}
    if row.get("context"):
        request["EncryptionContext"] = row["context"]
    if row.get("grantTokens"):
        request["GrantTokens"] = row["grantTokens"]
    try:
        client(row).encrypt(**request)
        outcomes[row["name"]] = {"allowed": True}
    except ClientError as e:
        outcomes[row["name"]] = {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"]}
json.dump(outcomes, sys.stdout)
