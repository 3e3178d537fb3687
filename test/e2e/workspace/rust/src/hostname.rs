//! e2e fixture: a zbus call on a connection built without `method_timeout`.
use zbus::Connection;

pub async fn hostname(connection: &Connection) -> zbus::Result<String> {
    let reply = connection.call_method(Some("org.freedesktop.hostname1"), "/org/freedesktop/hostname1", Some("org.freedesktop.DBus.Properties"), "Get", &("org.freedesktop.hostname1", "Hostname")).await?;
    let value: zbus::zvariant::OwnedValue = reply.body().deserialize()?;
    Ok(String::try_from(value)?)
}
