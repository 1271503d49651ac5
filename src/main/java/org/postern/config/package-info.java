/**
 * Configuration: main.cf and master.cf read by Postfix's rules, the registry of parameters with
 * Postfix 3.11's defaults, and {@code $name} expansion.
 *
 * <p>main.cf is a list of {@code name = value} logical lines (a line starting with whitespace
 * continues the previous one; {@code #} lines are comments). Values are expanded when read:
 * {@code $name}, {@code ${name}}, {@code $(name)}, {@code ${name?value}}, {@code ${name:value}}
 * and their {@code {value}} forms, Postfix's relational {@code ${{a} <level {b} ? {x} : {y}}},
 * and {@code ${domain_to_ascii{...}}} (UTS #46 A-labels). master.cf lists services with
 * per-service {@code -o name=value} overrides.
 *
 * <p>Failure: everything is checked when loaded ({@link org.postern.config.MainConfig#load}): a
 * malformed line, a bad boolean, number, size or time for a known parameter, or an endless
 * expansion is a {@link org.postern.config.ConfigException} that names the file, line and
 * parameter, so a daemon refuses to start rather than misbehave later. Undefined references,
 * duplicate entries and unused parameters are warnings the caller prints.
 */
package org.postern.config;
