"""Reference answers from botocore (the AWS SDK for Python) for Bedrock runtime calls. Used by the Client tests as the
independent implementation of what LlmHosting.Client does by itself.

usage:
  botocore_bedrock.py url <region> <model-id> <invoke|invoke-with-response-stream>
      the URL botocore's bedrock-runtime client sends InvokeModel / InvokeModelWithResponseStream to
  botocore_bedrock.py sign <service> <method> <url> <content-type> <unix-seconds> <region> <access-key> <secret-key> [<session-token>]
      (body on stdin) the SigV4 headers botocore adds for the service (bedrock, bedrock-mantle), as JSON
  botocore_bedrock.py decode
      (event-stream bytes on stdin) the events botocore's InvokeModelWithResponseStream parser reads, as JSON
"""
import datetime
import hashlib
import json
import sys
from unittest import mock

import botocore.auth
import botocore.eventstream
import botocore.parsers
import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


class Captured(Exception):
    pass


def url(region, model_id, operation):
    client = botocore.session.get_session().create_client(
        "bedrock-runtime", region_name=region, aws_access_key_id="AKID", aws_secret_access_key="secret")

    def capture(request, **_):
        raise Captured(request.url)

    client.meta.events.register("before-send", capture)
    call = client.invoke_model if operation == "invoke" else client.invoke_model_with_response_stream
    try:
        call(modelId=model_id, body=b"{}", contentType="application/json")
    except Captured as sent:
        return {"url": str(sent)}
    raise SystemExit("botocore sent nothing")


def sign(service, method, url, content_type, epoch, region, access_key, secret_key, token=None):
    body = sys.stdin.buffer.read()
    signed_at = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc).replace(tzinfo=None)
    headers = {"Content-Type": content_type, "X-Amz-Content-SHA256": hashlib.sha256(body).hexdigest()}
    request = AWSRequest(method=method, url=url, headers=headers, data=body)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=signed_at):
        SigV4Auth(Credentials(access_key, secret_key, token), service, region).add_auth(request)
    return {name: value for name, value in request.headers.items()}


def decode():
    model = botocore.session.get_session().get_service_model("bedrock-runtime")
    operation = model.operation_model("InvokeModelWithResponseStream")

    class Raw:
        def __init__(self, data):
            self.data = data

        def stream(self):
            yield self.data

        def close(self):
            pass

    events = botocore.eventstream.EventStream(
        Raw(sys.stdin.buffer.read()), operation.output_shape.members["body"], botocore.parsers.EventStreamJSONParser(),
        operation.name)
    out = []
    try:
        for event in events:
            for name, value in event.items():
                out.append({"event": name, "bytes": value["bytes"].decode("utf-8")})
    except botocore.exceptions.EventStreamError as error:
        out.append({"error": error.response["Error"]["Code"], "message": error.response["Error"]["Message"]})
    return out


mode, args = sys.argv[1], sys.argv[2:]
print(json.dumps({"url": url, "sign": sign, "decode": decode}[mode](*args)))
