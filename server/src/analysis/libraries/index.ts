export * from './model';
export { ZBUS } from './zbus';
export { DBUS_RS } from './dbus-rs';
export { RUSTBUS } from './rustbus';
export { RAW_SOCKET } from './raw-socket';
export { DBUS_NEXT } from './dbus-next';
export { DBUS_NATIVE } from './dbus-native';
export { NET_SOCKET } from './net-socket';
