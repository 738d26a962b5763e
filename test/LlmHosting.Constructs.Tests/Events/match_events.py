"""Matches sample events against EventBridge patterns with moto's matcher, independent of the CDK code.

stdin:  {"patterns": {"<rule>": <pattern>}, "events": {"<event>": <event>}}
stdout: {"<rule>": ["<event>", ...]} (the events each pattern matches, in input order)
"""
import json
import sys

from moto.events.models import EventPattern

request = json.load(sys.stdin)
result = {
    rule: [name for name, event in request["events"].items() if EventPattern.load(json.dumps(pattern)).matches_event(event)]
    for rule, pattern in request["patterns"].items()
}
json.dump(result, sys.stdout)
