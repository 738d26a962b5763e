"""Reference bearer token from botocore, the way the SageMaker Python SDK's generate_token and
aws-bedrock-token-generator make it. Used by BearerTokenGeneratorTests as the independent implementation.

usage: botocore_token.py <host> <service> <prefix> <region> <unix-seconds> <expires> <access-key> <secret-key> [<session-token>]
"""
import base64
import datetime
import sys
from unittest import mock

import botocore.auth
from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

host, service, prefix, region, epoch, expires, access_key, secret_key = sys.argv[1:9]
token = sys.argv[9] if len(sys.argv) > 9 else None

signed_at = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc).replace(tzinfo=None)
request = AWSRequest(
    method="POST",
    url=f"https://{host}/",
    headers={"host": host},
    params={"Action": "CallWithBearerToken"},
)
with mock.patch.object(botocore.auth, "get_current_datetime", return_value=signed_at):
    SigV4QueryAuth(Credentials(access_key, secret_key, token), service, region, expires=int(expires)).add_auth(request)
presigned = request.url.replace("https://", "") + "&Version=1"
print(prefix + base64.b64encode(presigned.encode("utf-8")).decode("utf-8"))
