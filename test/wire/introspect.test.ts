import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findMethods, parseIntrospection } from '../../wire/src/index';

const XML = `<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<!-- a comment with <method name="Fake"/> inside -->
<node>
  <interface name="org.freedesktop.DBus">
    <method name="Hello"><arg direction="out" type="s"/></method>
    <method name="RequestName">
      <arg name="name" direction="in" type="s"/>
      <arg name="flags" direction="in" type="u"/>
      <arg direction="out" type="u"/>
    </method>
    <method name="GetId"><arg direction="out" type="s"/></method>
    <signal name="NameOwnerChanged"><arg type="s"/><arg type="s"/><arg type="s"/></signal>
    <property name="Features" type="as" access="read"><annotation name="x" value="&lt;y&gt;"/></property>
  </interface>
  <interface name="org.example.Other"><method name="GetId"><arg name="which" type="a{sv}"/></method></interface>
  <node name="child"/>
</node>`;

test('interfaces, methods with in/out signatures and argument names, signals, properties, children', () => {
  const node = parseIntrospection(XML);
  assert.deepEqual(
    node.interfaces.map((iface) => iface.name),
    ['org.freedesktop.DBus', 'org.example.Other'],
  );
  const bus = node.interfaces[0];
  assert.deepEqual(
    bus.methods.map((m) => [m.name, m.inSignature, m.outSignature]),
    [
      ['Hello', '', 's'],
      ['RequestName', 'su', 'u'],
      ['GetId', '', 's'],
    ],
  );
  assert.deepEqual(
    bus.methods[1].in.map((arg) => arg.name),
    ['name', 'flags'],
  );
  assert.deepEqual(bus.signals[0], {
    name: 'NameOwnerChanged',
    args: [
      { name: null, type: 's' },
      { name: null, type: 's' },
      { name: null, type: 's' },
    ],
  });
  assert.deepEqual(bus.properties, [{ name: 'Features', type: 'as', access: 'read' }]);
  assert.deepEqual(node.nodes, ['child']);
});

test('findMethods: by name, narrowed by interface', () => {
  const node = parseIntrospection(XML);
  assert.deepEqual(
    findMethods(node, 'GetId').map((found) => [found.interface, found.method.inSignature]),
    [
      ['org.freedesktop.DBus', ''],
      ['org.example.Other', 'a{sv}'],
    ],
  );
  assert.equal(findMethods(node, 'GetId', 'org.example.Other').length, 1);
  assert.equal(findMethods(node, 'Fake').length, 0);
});
