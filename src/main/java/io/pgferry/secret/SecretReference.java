package io.pgferry.secret;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import io.pgferry.error.CopyException;
import io.pgferry.error.Violation;

/**
 * A secret a linked service takes from Azure Key Vault (ADF's {@code AzureKeyVaultSecret}): the URL of the vault (the
 * {@code typeProperties.baseUrl} of the {@code AzureKeyVault} linked service its {@code store} names), in the
 * canonical form {@link #vaultUrl} gives, the secret's name, its version (the latest when empty), and the RFC 6901
 * JSON pointer of the reference in the request, which errors point at. A reference holds no secret value.
 */
public record SecretReference(URI vault, String name, Optional<String> version, String pointer) {
    /** Key Vault's own rule for object names. */
    private static final Pattern NAME = Pattern.compile("[0-9A-Za-z-]{1,127}");
    /** Key Vault's versions are 32 hexadecimal digits; anything safe in a URL path segment is let through. */
    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z]{1,64}");

    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    /** @throws IllegalArgumentException for a vault URL not in canonical form, or a bad name or version */
    public SecretReference {
        requireNonNull(vault, "vault is null");
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        requireNonNull(pointer, "pointer is null");
        if (!vault.equals(vaultUrl(vault.toString()))) {
            throw new IllegalArgumentException("vault is not a canonical vault URL");
        }
        secretNameProblem(name).ifPresent(reason -> {
            throw new IllegalArgumentException("name " + reason);
        });
        version.flatMap(SecretReference::secretVersionProblem).ifPresent(reason -> {
            throw new IllegalArgumentException("version " + reason);
        });
    }

    /**
     * The reference as the request gives it, checked: {@code baseUrl} of the vault's linked service, {@code
     * secretName} and {@code secretVersion} (null or blank for the latest).
     *
     * @param pointer where the {@code AzureKeyVaultSecret} object is in the request
     * @throws CopyException (400, {@code InvalidPayload}) naming every problem, at {@code pointer}
     */
    public static SecretReference of(String baseUrl, String secretName, String secretVersion, String pointer) {
        requireNonNull(pointer, "pointer is null");
        List<Violation> violations = new ArrayList<>();
        vaultUrlProblem(baseUrl)
                .ifPresent(reason ->
                        violations.add(new Violation(pointer, "the Key Vault linked service's baseUrl " + reason)));
        secretNameProblem(secretName)
                .ifPresent(reason -> violations.add(new Violation(pointer + "/secretName", reason)));
        Optional<String> version = secretVersion == null || secretVersion.isBlank()
                ? Optional.empty()
                : Optional.of(secretVersion.strip());
        version.flatMap(SecretReference::secretVersionProblem)
                .ifPresent(reason -> violations.add(new Violation(pointer + "/secretVersion", reason)));
        if (!violations.isEmpty()) {
            throw CopyException.invalidPayload(violations);
        }
        return new SecretReference(vaultUrl(baseUrl), secretName, version, pointer);
    }

    /**
     * Why {@code baseUrl} is no vault URL pgferry sends a token to, without quoting it (it might carry a password
     * as user information); empty when it is one: an absolute {@code https} URL of a DNS host name (no IP address),
     * an optional port, and no user information, path, query or fragment. The reason reads after the field's name.
     */
    public static Optional<String> vaultUrlProblem(String baseUrl) {
        if (baseUrl == null || baseUrl.isBlank()) {
            return Optional.of("is required");
        }
        URI uri;
        try {
            uri = new URI(baseUrl.strip());
        } catch (java.net.URISyntaxException e) {
            return Optional.of("is not a URL");
        }
        if (!uri.isAbsolute() || uri.isOpaque()) {
            return Optional.of("must be an absolute https URL, https://<vault>.vault.azure.net/");
        }
        if (!uri.getScheme().equalsIgnoreCase("https")) {
            return Optional.of("must be an https URL: the function's token is only sent over HTTPS");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("must not contain user information");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return Optional.of("must not have a query or fragment");
        }
        if (uri.getRawPath() != null
                && !uri.getRawPath().isEmpty()
                && !uri.getRawPath().equals("/")) {
            return Optional.of("must be the vault's URL alone, without a path: https://<vault>.vault.azure.net/");
        }
        String host = uri.getHost();
        if (host == null) {
            return Optional.of("must name a host");
        }
        host = host.toLowerCase(Locale.ROOT);
        String[] labels = host.split("\\.", -1);
        boolean dnsName = host.length() <= 253 && labels.length >= 2 && !labels[labels.length - 1].matches("[0-9]+");
        for (String label : labels) {
            dnsName &= LABEL.matcher(label).matches();
        }
        if (!dnsName) {
            return Optional.of(
                    "must name its host by a DNS name (such as <vault>.vault.azure.net), not an IP" + " address");
        }
        return Optional.empty();
    }

    /** Why {@code name} is no Key Vault secret name (1 to 127 letters, digits and dashes), or empty. */
    public static Optional<String> secretNameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("is required");
        }
        return NAME.matcher(name).matches()
                ? Optional.empty()
                : Optional.of("must be a Key Vault secret name: 1 to 127 letters, digits and dashes");
    }

    /** Why {@code version} is no secret version (letters and digits, as Key Vault's 32 hex digits), or empty. */
    public static Optional<String> secretVersionProblem(String version) {
        return version != null && VERSION.matcher(version).matches()
                ? Optional.empty()
                : Optional.of("must be a secret version: letters and digits, as Key Vault's 32 hexadecimal digits");
    }

    /**
     * The canonical form of a vault URL: {@code https://<host>[:<port>]/}, the host in lower case, port 443 left out.
     *
     * @throws IllegalArgumentException with the {@link #vaultUrlProblem problem}, when there is one
     */
    public static URI vaultUrl(String baseUrl) {
        vaultUrlProblem(baseUrl).ifPresent(reason -> {
            throw new IllegalArgumentException("baseUrl " + reason);
        });
        URI uri = URI.create(baseUrl.strip());
        int port = uri.getPort() == 443 ? -1 : uri.getPort();
        return URI.create("https://" + uri.getHost().toLowerCase(Locale.ROOT) + (port == -1 ? "" : ":" + port) + "/");
    }

    /** The vault's host (and port, when not 443), as messages name it. */
    public String vaultHost() {
        return vault.getRawAuthority();
    }

    /** The secret as messages name it: {@code secret 'name'} or {@code secret 'name' (version v)}. */
    public String secret() {
        return "secret '" + name + "'"
                + version.map(v -> " (version " + v + ")").orElse("");
    }

    /** The secret and its vault as messages name them. */
    public String describe() {
        return secret() + " in Key Vault " + vaultHost();
    }
}
