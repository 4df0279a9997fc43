/**
 * Model files in and out (JSON, written atomically), and atomic writes of any file.
 */
package dev.descent.io;
