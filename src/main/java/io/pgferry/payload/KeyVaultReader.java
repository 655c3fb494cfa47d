package io.pgferry.payload;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.pgferry.contract.BlobAccount;
import io.pgferry.contract.Secret;
import io.pgferry.secret.SecretReference;

/**
 * An {@code AzureKeyVaultSecret} reference, {@code {"type": "AzureKeyVaultSecret", "store": {"referenceName"},
 * "secretName", "secretVersion"}}: its {@code AzureKeyVault} linked service ({@code baseUrl}, optionally a
 * {@code credential}) found in the request's linked services, the secret read with the function's managed identity
 * (or that user-assigned one). The value is used where the reference stands and is never echoed.
 */
final class KeyVaultReader {
    private final Reading reading;
    private final Map<String, Field> linkedServices;
    private final BlobAccountReader identities;
    private final VaultSecrets secrets;

    KeyVaultReader(
            Reading reading, Map<String, Field> linkedServices, BlobAccountReader identities, VaultSecrets secrets) {
        this.reading = reading;
        this.linkedServices = linkedServices;
        this.identities = identities;
        this.secrets = secrets;
    }

    /** The secret's text; null after a violation. */
    String secret(Field reference) {
        Field vault = reading.linkedService(reference.get("store"), linkedServices);
        String name = reading.string(reference.get("secretName"), true);
        String version = reading.string(reference.get("secretVersion"), false);
        name = checked(reference.get("secretName"), name, SecretReference.secretNameProblem(name == null ? "" : name));
        if (version != null && !version.isEmpty()) {
            version = checked(reference.get("secretVersion"), version, SecretReference.secretVersionProblem(version));
        }
        if (vault == null || name == null) {
            return null;
        }
        Field properties = vault.get("properties");
        if (!reading.oneOf(properties.get("type"), Set.of("AzureKeyVault"))) {
            return null;
        }
        Field settings = reading.strict(properties.get("typeProperties"));
        String baseUrl = reading.within(
                reading.scope().withLinkedService(reading.parameters(vault)),
                () -> reading.string(settings.get("baseUrl"), true));
        if (baseUrl == null
                || checked(settings.get("baseUrl"), baseUrl, SecretReference.vaultUrlProblem(baseUrl)) == null) {
            return null;
        }
        Optional<BlobAccount.UserAssigned> identity = Optional.empty();
        if (settings.get("credential").present()) {
            identity = identities.userAssigned(settings.get("credential"));
            if (identity == null) {
                return null;
            }
        }
        SecretReference secret = SecretReference.of(baseUrl, name, version, reference.pointer());
        Secret value = secrets.get(secret, identity);
        return value.reveal();
    }

    private String checked(Field field, String value, Optional<String> problem) {
        problem.ifPresent(reason -> reading.violation(field, reason));
        return problem.isPresent() ? null : value;
    }
}
