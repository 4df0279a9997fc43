/**
 * The reference backend: plain double-precision loops, written to be read; the oracle of every test.
 */
package dev.descent.backend.reference;
