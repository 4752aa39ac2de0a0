"""An MCP session with the official Python SDK (`mcp` on PyPI), driven by
tests/all/mcp.rs: connect (stdio or Streamable HTTP), initialize, list the
tools (checking each schema is a valid JSON Schema), make the calls the
test asks for (some at once), and print one JSON report of everything the
server said. Nothing here decides whether the server is right: the test does.

Usage: python client.py SPEC_JSON
SPEC: {"stdio": {"command", "args", "env"}} or {"http": {"url", "token"}},
      "calls": [[name, arguments], ...], "together": [[name, arguments], ...]
"""

import json
import sys
import time

import anyio
import httpx2
import jsonschema
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client


def dumped(model):
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


async def call(session, name, arguments):
    """One tools/call: the result as the SDK read it (or what it raised)."""
    try:
        result = await session.call_tool(name, arguments)
    except Exception as error:  # the report says what the SDK raised
        return {"name": name, "raised": f"{type(error).__name__}: {error}"}
    texts = [c.text for c in result.content if getattr(c, "type", "") == "text"]
    return {
        "name": name,
        "isError": bool(result.is_error),
        "structuredContent": result.structured_content,
        "text": texts,
        "done": time.monotonic(),
    }


async def session_report(read, write, spec):
    report = {}
    async with ClientSession(read, write) as session:
        init = await session.initialize()
        report["initialize"] = dumped(init)
        tools = (await session.list_tools()).tools
        report["tools"] = [dumped(t) for t in tools]
        report["toolsBytes"] = len(json.dumps(report["tools"]))
        problems = []
        for tool in tools:
            for kind, schema in (("input", tool.input_schema), ("output", tool.output_schema)):
                if schema is None:
                    continue
                try:
                    jsonschema.validators.validator_for(schema).check_schema(schema)
                except jsonschema.SchemaError as error:
                    problems.append(f"{tool.name} {kind}: {error.message}")
        report["schemaProblems"] = problems
        report["calls"] = [await call(session, n, a) for n, a in spec.get("calls", [])]
        together = []

        async def one(name, arguments):
            together.append(await call(session, name, arguments))

        async with anyio.create_task_group() as group:
            for name, arguments in spec.get("together", []):
                group.start_soon(one, name, arguments)
                await anyio.sleep(0.5)
        report["together"] = together
    return report


async def main():
    spec = json.loads(sys.argv[1])
    if "stdio" in spec:
        s = spec["stdio"]
        server = StdioServerParameters(command=s["command"], args=s["args"], env=s.get("env"))
        async with stdio_client(server) as (read, write):
            report = await session_report(read, write, spec)
    else:
        h = spec["http"]
        headers = {"Authorization": f"Bearer {h['token']}"} if h.get("token") else {}
        async with httpx2.AsyncClient(headers=headers, timeout=60) as client:
            async with streamable_http_client(h["url"], http_client=client) as streams:
                report = await session_report(streams[0], streams[1], spec)
    print(json.dumps(report))


anyio.run(main)
