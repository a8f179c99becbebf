/**
 * Lethe's model registry: {@link io.lethe.registry.RegistryConfig} says how to run it and {@link
 * io.lethe.registry.ModelRegistryApp} runs it. Everything under {@code internals} is implementation
 * detail: {@code db} (PostgreSQL, Flyway, DAOs), {@code kafka} (the supervised consumer and how it
 * tells a transient failure from a record's own), {@code health} ({@code /health}'s probes), {@code
 * service} (what the registry does, with no HTTP), {@code cert} (Ed25519, canonical JSON) and
 * {@code web} (routes, controllers, DTOs, error mapping).
 */
package io.lethe.registry;
