//! The sandbox realm spoken to as a client would: raw HTTP over real
//! sockets, redirects never followed, so every status, header and body the
//! realm sends is what the test sees.

mod discovery;

use reqwest::{Client, redirect};
use sipauth_tui::sandbox::Sandbox;
use sipauth_tui::sandbox::realm::RealmConfig;

/// A sandbox with `config` and a client that does not follow redirects.
pub async fn start(config: RealmConfig) -> (Sandbox, Client) {
    let sandbox = Sandbox::start_with(0, config).await.unwrap();
    let client = Client::builder()
        .redirect(redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    (sandbox, client)
}

/// A sandbox with the default configuration.
pub async fn start_default() -> (Sandbox, Client) {
    start(RealmConfig::default()).await
}
