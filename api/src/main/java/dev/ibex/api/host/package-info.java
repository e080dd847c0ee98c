/**
 * One-call use of ibex from a host application: {@link dev.ibex.api.host.Ibex} discovers the
 * plugins (and plugin jars), chooses devices, loads models and runs an attributor, a metric, or a
 * {@link dev.ibex.api.host.Pipeline} of one attributor and several metrics. Everything here is
 * built on the SPI; a host that needs more reaches for {@code dev.ibex.api} directly.
 *
 * <p>Thread-safety: an {@code Ibex}, its plugins, a loaded model and options are shared by any
 * number of threads (on PyTorch each thread records its own gradients); arrays and the {@code
 * NDManager}s that own them belong to one thread at a time, so each thread explains inputs on a
 * manager of its own.
 */
package dev.ibex.api.host;
