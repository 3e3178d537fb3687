//! Asks systemd-hostnamed and the bus itself a few questions over zbus.
use std::error::Error;

use zbus::{zvariant::OwnedValue, Connection};

async fn hostname(connection: &Connection) -> Result<String, Box<dyn Error>> {
    // The connection was built without `method_timeout`: if hostnamed hangs, so do we.
    let reply = connection
        .call_method(
            Some("org.freedesktop.hostname1"),
            "/org/freedesktop/hostname1",
            Some("org.freedesktop.DBus.Properties"),
            "Get",
            &("org.freedesktop.hostname1", "Hostname"),
        )
        .await?;
    let value: OwnedValue = reply.body().deserialize()?;
    Ok(String::try_from(value)?)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let connection = Connection::system().await?;
    println!("hostname: {}", hostname(&connection).await?);
    Ok(())
}
