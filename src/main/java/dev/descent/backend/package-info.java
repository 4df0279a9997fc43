/**
 * The backend contract ({@link dev.descent.backend.Backend}), the problem it solves, the shared update
 * rules and row permutation, the double-precision reference backend, and the one place a backend is chosen.
 */
package dev.descent.backend;
