#!/usr/bin/python3
"""A gRPC client that is not hilnat's: Debian's python3-grpcio, no generated code.

Asks an agent for its health, lists its services through server reflection, and fetches the
DeviceAgent's .proto through reflection. Usage: generic-grpc-client.py HOST:PORT
"""
import sys

import grpc
from google.protobuf import descriptor_pb2


def fields(data):
    """Decodes protobuf wire format into (field number, value) pairs (varints and bytes only)."""
    i = 0
    while i < len(data):
        key, i = varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(data, i)
        elif wire == 2:
            length, i = varint(data, i)
            value, i = data[i:i + length], i + length
        else:
            raise ValueError("unexpected wire type %d" % wire)
        yield number, value


def varint(data, i):
    shift = result = 0
    while True:
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, i


def string_field(number, text):
    raw = text.encode()
    return bytes([number << 3 | 2, len(raw)]) + raw


def main(target):
    channel = grpc.insecure_channel(target)
    identity = lambda b: b
    health = channel.unary_unary("/grpc.health.v1.Health/Check", request_serializer=identity,
                                 response_deserializer=identity)
    status = dict(fields(health(string_field(1, "hilnat.agent.v1.DeviceAgent"), timeout=10)))
    print("health: %s" % {1: "SERVING"}.get(status.get(1), status.get(1)))

    reflect = channel.stream_stream("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                                    request_serializer=identity, response_deserializer=identity)
    requests = [string_field(7, ""), string_field(4, "hilnat.agent.v1.DeviceAgent")]
    services, proto = [], None
    for response in reflect(iter(requests), timeout=10):
        for number, value in fields(response):
            if number == 6:  # list_services_response
                services += [dict(fields(s))[1].decode() for _, s in fields(value)]
            elif number == 4:  # file_descriptor_response
                for _, raw in fields(value):
                    descriptor = descriptor_pb2.FileDescriptorProto.FromString(raw)
                    if descriptor.package == "hilnat.agent.v1":
                        proto = descriptor
    print("services: %s" % ", ".join(sorted(services)))
    service = proto.service[0]
    print("proto: %s (package %s), service %s: %s" % (proto.name, proto.package, service.name,
                                                    ", ".join(m.name for m in service.method)))
    return 0 if status.get(1) == 1 and "hilnat.agent.v1.DeviceAgent" in services else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
