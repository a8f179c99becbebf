/**
 * Lethe's model registry: {@link io.lethe.registry.RegistryConfig} says how to run it and {@link
 * io.lethe.registry.ModelRegistryApp} runs it. Everything under {@code internals} is implementation
 * detail: {@code db} (PostgreSQL, Flyway, DAOs), {@code kafka} (the consumer), {@code service}
 * (what the registry does, with no HTTP), {@code cert} (Ed25519, canonical JSON) and {@code web}
 * (routes, controllers, DTOs, error mapping).
 */
package io.lethe.registry;
