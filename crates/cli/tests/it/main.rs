//! Concordat's integration tests: the real server on a random port, real HTTP,
//! a fresh database per test, each test run on SQLite and on PostgreSQL.

mod fixtures;
mod harness;

mod access;
mod access_holes;
mod access_pages;
mod access_versions;
mod accessibility;
mod accounts_pages;
mod agreements;
mod api_auth;
mod audit_cli;
mod bad_input;
mod browser;
mod caching;
mod cli;
mod consent;
mod contact_events;
mod crisis_browser;
mod crisis_lookup;
mod crisis_lookup_service;
mod crisis_pages;
mod crisis_plans;
mod existence;
mod fhir;
mod forms_browser;
mod frequent_contact;
mod health;
mod journeys_browser;
mod messages;
mod multi_node;
mod openapi;
mod page_addresses;
mod pages_sign_in;
mod partnership_pages;
mod person_notices;
mod policy_matrix;
mod receivers;
mod referral_browser;
mod referrals;
mod store_people;
mod webhook_destinations;
mod webhook_pages;
mod webhooks;
mod workflow_pages;
