/**
 * The {@code deepzero} command line: {@link dev.deepzero.cli.Main} and one class per subcommand. No library
 * logic lives here; commands parse options, call the library and print.
 *
 * <p>Depends on: every library package, the serve module ({@code dev.deepzero.serve}), and picocli. Nothing
 * depends on it.
 */
package dev.deepzero.cli;
