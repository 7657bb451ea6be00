# Runs PolicyCaseTableTest's rows through the aws CLI's own driver (awscli.clidriver, what the `aws` script
# runs) in one Python process: a CLI process per row costs a second or more each. One driver per caller: a
# driver's session reads the environment's credentials once, at its first command.
# argv[1]: endpoint URL; argv[2]: plaintext file; stdin: [{"name", "accessKeyId", "secretAccessKey", "keyId",
# "context", "grantTokens"}]; stdout: {name: {"exit": code, "stderr": text}}.
import contextlib
import io
import json
import os
import sys

from awscli.clidriver import create_clidriver

outcomes = {}
drivers = {}
for row in sorted(json.load(sys.stdin), key=lambda r: r["accessKeyId"]):
    if row["accessKeyId"] not in drivers:
        os.environ["AWS_ACCESS_KEY_ID"] = row["accessKeyId"]
        os.environ["AWS_SECRET_ACCESS_KEY"] = row["secretAccessKey"]
        drivers[row["accessKeyId"]] = create_clidriver()
    args = ["kms", "encrypt", "--key-id", row["keyId"], "--plaintext", "fileb://" + sys.argv[2],
            "--endpoint-url", sys.argv[1], "--region", "us-east-1", "--output", "json"]
    if row.get("context"):
        args += ["--encryption-context", ",".join(k + "=" + v for k, v in row["context"].items())]
    if row.get("grantTokens"):
        args += ["--grant-tokens"] + row["grantTokens"]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = drivers[row["accessKeyId"]].main(args)
    outcomes[row["name"]] = {"exit": code, "stderr": err.getvalue()}
json.dump(outcomes, sys.stdout)
