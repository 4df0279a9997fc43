/** The {@code descent} command line (picocli): errors descent can name become one line and exit code 2. */
package dev.descent.cli;
