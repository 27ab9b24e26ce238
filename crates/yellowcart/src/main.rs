mod cli;

use clap::Parser;
use cli::{Admin, Bench, Cli, Command, Eval, config_for};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    match Cli::parse().command {
        Command::Serve {
            addr,
            store,
            pay_window_minutes,
            no_demo,
            link,
        } => {
            let mut config = config_for(addr, &store);
            config.seed_demo = !no_demo;
            config.nats = link.config();
            config.services.pay_window_ms = pay_window_minutes.clamp(1, 24 * 60) * 60_000;
            let running = yellowcart::server::start(config).await?;
            print_banner(&running);
            shutdown_signal().await?;
            running.stop().await;
        }
        Command::Bench {
            which:
                Bench::Checkout {
                    db,
                    database_url,
                    connections,
                    duration_secs,
                    buyers,
                },
        } => {
            let opts = yellowcart::bench::CheckoutBench {
                db,
                database_url,
                connections,
                duration: std::time::Duration::from_secs(duration_secs),
                buyers,
            };
            let result = yellowcart::bench::checkout(opts).await?;
            println!("{result}");
        }
        Command::Bench {
            which:
                Bench::FlashSale {
                    db,
                    database_url,
                    database_schema,
                    nodes,
                    buyers,
                    stock,
                    cap,
                    connections,
                    duration_secs,
                    tail_secs,
                    cold,
                    urls,
                    data_dir,
                    nats_url,
                    trace,
                },
        } => {
            let opts = yellowcart::bench::flash::FlashBench {
                urls,
                data_dir,
                db,
                database_url,
                database_schema,
                nodes,
                buyers,
                stock,
                cap,
                connections,
                duration: std::time::Duration::from_secs(duration_secs),
                tail: std::time::Duration::from_secs(tail_secs),
                cold,
                nats_url,
                trace,
            };
            let result = yellowcart::bench::flash::flash_sale(opts).await?;
            println!("{result}");
        }
        Command::Eval {
            which:
                Eval::Eta {
                    parcels,
                    warmup,
                    days,
                    seed,
                },
        } => {
            let cfg = yc_domain::fulfilment::eval::EtaEvalConfig {
                parcels,
                warmup: warmup.min(parcels.saturating_sub(1)),
                days,
                seed,
            };
            println!("{}", yellowcart::eval::eta(&cfg)?);
        }
        Command::Eval {
            which:
                Eval::Feed {
                    users,
                    items,
                    categories,
                    events_per_user,
                    seed,
                    exploration,
                    interactions,
                    catalog,
                },
        } => {
            let opts = yellowcart::eval::FeedEval {
                users,
                items,
                categories,
                events_per_user,
                seed,
                exploration,
                interactions,
                catalog,
            };
            println!("{}", yellowcart::eval::feed(&opts)?);
        }
        Command::Bench {
            which:
                Bench::Feed {
                    products,
                    events,
                    requests,
                    seed,
                },
        } => {
            println!(
                "{}",
                yellowcart::bench::discovery::feed(products, events, requests, seed)?
            );
        }
        Command::Bench {
            which:
                Bench::Search {
                    products,
                    queries,
                    seed,
                },
        } => {
            println!(
                "{}",
                yellowcart::bench::discovery::search(products, queries, seed)?
            );
        }
        Command::Admin {
            which:
                Admin::Create {
                    login,
                    password,
                    store,
                },
        } => {
            let config = config_for("127.0.0.1:0".parse()?, &store);
            let services = yellowcart::server::build_services(
                &config,
                std::sync::Arc::new(yc_services::SystemClock),
            )
            .await?;
            let user = services.create_operator(&login, &password).await?;
            println!("operator {} created", user.login);
        }
        Command::Seed { store } => {
            let config = config_for("127.0.0.1:0".parse()?, &store);
            let services = yellowcart::server::build_services(
                &config,
                std::sync::Arc::new(yc_services::SystemClock),
            )
            .await?;
            match yellowcart::server::seed(&services, true).await? {
                Some(accounts) => print_accounts(&accounts),
                None => println!("store already has products; nothing loaded"),
            }
        }
    }
    Ok(())
}

fn print_banner(running: &yellowcart::server::Running) {
    println!("yellowcart is serving at {}", running.url());
    println!("  web UI:   {}/", running.url());
    println!("  API docs: {}/api/docs/", running.url());
    if let Some(accounts) = &running.demo {
        print_accounts(accounts);
    }
}

fn print_accounts(accounts: &yc_services::demo::DemoAccounts) {
    println!("demo accounts (login / password / role):");
    for (login, password, role) in &accounts.accounts {
        println!("  {login:<8} / {password:<10} / {}", role.as_str());
    }
}

/// Ctrl-C or SIGTERM (what process managers send): stop accepting, finish
/// in-flight requests, stop the job worker.
async fn shutdown_signal() -> anyhow::Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r?,
        _ = term.recv() => {}
    }
    Ok(())
}
