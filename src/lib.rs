//! gridwatch: a spatial analytics server for community governance.
//!
//! Layers, from the bottom: [`model`] (domain types) ← [`geodata`] (files and the generator),
//! [`index`] (the in-memory engine) ← [`api`] (HTTP). See ARCHITECTURE.md.

pub mod alerts;
pub mod analytics;
pub mod api;
pub mod cli;
pub mod config;
pub mod feed;
pub mod filter;
pub mod geodata;
pub mod geodesy;
pub mod index;
pub mod live;
pub mod model;
pub mod network;
pub mod replication;
pub mod store;
pub mod tiles;
pub mod web;
