package io.pgferry.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpClient;
import com.azure.identity.CredentialUnavailableException;

import io.pgferry.contract.Secret;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.error.FailureType;
import io.pgferry.error.Violation;
import io.pgferry.testing.TestingCertificates;
import io.pgferry.testing.TestingKeyVault;

import reactor.core.publisher.Mono;

/**
 * The Key Vault SDK's real code path (challenge-based sign-in, the secrets REST API, retries) against
 * {@link TestingKeyVault}, a vault at {@code kvN.vault.test} reached over HTTPS.
 */
class KeyVaultSecretsTest {
    private static final String TOKEN = "test-token";
    private static final String V1 = "0123456789abcdef0123456789abcdef";
    private static final String V2 = "fedcba9876543210fedcba9876543210";
    private static final String OLD_PASSWORD = "old-pässword-Ω1";
    private static final String PASSWORD = "s3cr3t-pässword-Ω2";
    private static final String KEY = "account-key-Ω3";
    private static final List<String> VALUES = List.of(OLD_PASSWORD, PASSWORD, KEY);
    private static final AtomicInteger VAULTS = new AtomicInteger();

    private static TestingCertificates certificates;
    private static HttpClient httpClient;

    private TestingKeyVault vault;
    private KeyVaultSecrets secrets;
    private final List<TokenRequestContext> tokenRequests = new CopyOnWriteArrayList<>();
    private final List<CopyException> failures = new ArrayList<>();
    private TokenCredential credential;

    @BeforeAll
    static void certificates() {
        certificates = TestingCertificates.create();
        httpClient = TestingKeyVault.httpClient(certificates);
    }

    @BeforeEach
    void startVault() {
        // A new vault name each time: the SDK caches a vault's sign-in challenge per host and port for the JVM.
        vault = TestingKeyVault.start(certificates, "kv" + VAULTS.incrementAndGet(), TOKEN)
                .put("pg-password", V1, OLD_PASSWORD)
                .put("pg-password", V2, PASSWORD)
                .put("account-key", V1, KEY)
                .put("hidden", V1, "never-read")
                .forbid("hidden");
        secrets = new KeyVaultSecrets(httpClient);
        credential = tokens(TOKEN);
    }

    @AfterEach
    void stopVault() {
        vault.close();
        for (CopyException failure : failures) {
            assertNoValueIn(failure);
        }
    }

    @Test
    void readsTheLatestVersionAndAGivenOneWithTheIdentitysToken() {
        assertThat(secrets.resolve(reference("pg-password", null, "/a"), credential)
                        .reveal())
                .isEqualTo(PASSWORD);
        assertThat(secrets.resolve(reference("pg-password", V1, "/b"), credential)
                        .reveal())
                .isEqualTo(OLD_PASSWORD);
        assertThat(secrets.resolve(reference("account-key", "", "/c"), credential))
                .hasToString("***");

        List<TestingKeyVault.Request> requests = vault.requests();
        assertThat(requests.get(0).bearerToken())
                .as("the SDK's first request asks for the challenge")
                .isNull();
        assertThat(requests.get(0).status()).isEqualTo(401);
        assertThat(requests.subList(1, requests.size()))
                .as("then every request carries the token")
                .allSatisfy(request -> {
                    assertThat(request.bearerToken()).isEqualTo(TOKEN);
                    assertThat(request.status()).isEqualTo(200);
                    assertThat(request.method()).isEqualTo("GET");
                    assertThat(request.apiVersion()).startsWith("7.");
                })
                .extracting(TestingKeyVault.Request::path)
                .containsExactly("/secrets/pg-password/", "/secrets/pg-password/" + V1, "/secrets/account-key/");
        assertThat(tokenRequests)
                .as("tokens for the challenge's resource and tenant")
                .isNotEmpty()
                .allSatisfy(context -> {
                    assertThat(context.getScopes()).containsExactly("https://" + TestingKeyVault.DOMAIN + "/.default");
                    assertThat(context.getTenantId()).isEqualTo(TestingKeyVault.TENANT);
                });
    }

    @Test
    void aCacheReadsEachDistinctSecretOnce() {
        SecretCache cache = secrets.cache(credential);
        SecretReference first = reference("pg-password", null, "/properties/linkedServices/0/password");
        SecretReference again = reference("pg-password", null, "/properties/linkedServices/1/password");
        SecretReference older = reference("pg-password", V1, "/properties/linkedServices/2/password");
        SecretReference key = reference("account-key", null, "/properties/linkedServices/3/accountKey");

        Map<SecretReference, Secret> values = cache.resolveAll(List.of(first, again, older, key, first));

        assertThat(values)
                .containsEntry(first, new Secret(PASSWORD))
                .containsEntry(again, new Secret(PASSWORD))
                .containsEntry(older, new Secret(OLD_PASSWORD))
                .containsEntry(key, new Secret(KEY))
                .hasSize(4);
        assertThat(cache.get(again).reveal()).isEqualTo(PASSWORD);
        assertThat(vault.fetches("pg-password"))
                .as("the latest and version " + V1 + ", once each")
                .isEqualTo(2);
        assertThat(vault.fetches("account-key")).isEqualTo(1);
        assertThat(cache.toString()).doesNotContain(VALUES);

        // A cache lives for one copy: the next copy reads afresh (a rotated secret takes effect).
        vault.put("pg-password", "00000000000000000000000000000003", "rotated");
        assertThat(secrets.cache(credential).get(first).reveal()).isEqualTo("rotated");
        assertThat(vault.fetches("pg-password")).isEqualTo(3);
    }

    @Test
    void aMissingSecretOrVersionIsAUserErrorAtTheReference() {
        CopyException missing =
                failure(() -> secrets.resolve(reference("no-such-secret", null, "/ls/password"), credential));
        assertThat(missing.code()).isEqualTo(ErrorCode.KeyVaultSecretNotFound);
        assertThat(missing.httpStatus()).isEqualTo(400);
        assertThat(missing.error().failureType()).isEqualTo(FailureType.UserError);
        assertThat(missing.error().details()).extracting(Violation::pointer).containsExactly("/ls/password");
        assertThat(missing.error().message()).contains(vault.baseUrl().getHost(), "'no-such-secret'");

        CopyException noVersion = failure(() -> secrets.resolve(
                reference("pg-password", "99999999999999999999999999999999", "/ls/password"), credential));
        assertThat(noVersion.code()).isEqualTo(ErrorCode.KeyVaultSecretNotFound);
        assertThat(noVersion.error().message()).contains("'pg-password'", "99999999999999999999999999999999");
    }

    @Test
    void aSecretTheIdentityMayNotReadIsAccessDenied() {
        CopyException denied = failure(() -> secrets.resolve(reference("hidden", null, "/ls/password"), credential));
        assertThat(denied.code()).isEqualTo(ErrorCode.KeyVaultAccessDenied);
        assertThat(denied.httpStatus()).isEqualTo(400);
        assertThat(denied.error().details()).extracting(Violation::pointer).containsExactly("/ls/password");
        assertThat(denied.error().message())
                .contains(vault.baseUrl().getHost(), "'hidden'", "403", "Key Vault Secrets User")
                .doesNotContain(TOKEN, "never-read");
        assertThat(vault.fetches("hidden")).as("403 is not retried").isEqualTo(1);
    }

    @Test
    void aTokenTheVaultRefusesIsAccessDenied() {
        CopyException denied = failure(
                () -> secrets.resolve(reference("pg-password", null, "/ls/password"), tokens("someone-elses-token")));
        assertThat(denied.code()).isEqualTo(ErrorCode.KeyVaultAccessDenied);
        assertThat(denied.error().message()).contains("401").doesNotContain("someone-elses-token");
    }

    @Test
    void anIdentityWithoutATokenIsAccessDenied() {
        TokenCredential none = context -> Mono.error(new CredentialUnavailableException("no managed identity"));
        CopyException denied = failure(() -> secrets.resolve(reference("pg-password", null, "/ls/password"), none));
        assertThat(denied.code()).isEqualTo(ErrorCode.KeyVaultAccessDenied);
        assertThat(denied.error().details()).extracting(Violation::pointer).containsExactly("/ls/password");
        assertThat(denied.error().message()).contains("managed identity", "'pg-password'");
    }

    @Test
    void aVaultThatIsDownIsUnreachableAfterAFewQuickTries() {
        SecretReference ref = reference("pg-password", null, "/ls/password");
        vault.close();
        CopyException down = failure(() -> secrets.resolve(ref, credential));
        assertThat(down.code()).isEqualTo(ErrorCode.KeyVaultUnreachable);
        assertThat(down.httpStatus()).isEqualTo(502);
        assertThat(down.error().failureType()).isEqualTo(FailureType.SystemError);
        assertThat(down.error().message()).contains(ref.vaultHost(), "'pg-password'");
    }

    @Test
    void aVaultWhoseNameDoesNotResolveIsUnreachable() {
        CopyException nowhere = failure(() -> secrets.resolve(
                SecretReference.of("https://nowhere.example.test/", "pg-password", null, "/ls/password"), credential));
        assertThat(nowhere.code()).isEqualTo(ErrorCode.KeyVaultUnreachable);
        assertThat(nowhere.error().message()).contains("nowhere.example.test");
    }

    @Test
    void aFailingVaultIsTriedThreeTimesThenUnreachable() {
        vault.failWith(503);
        CopyException failing =
                failure(() -> secrets.resolve(reference("pg-password", null, "/ls/password"), credential));
        assertThat(failing.code()).isEqualTo(ErrorCode.KeyVaultUnreachable);
        assertThat(failing.error().message()).contains("503");
        assertThat(vault.fetches("pg-password"))
                .as("the first try and two retries")
                .isEqualTo(3);
    }

    @Test
    void aFailureIsCachedAndPointsAtEachReference() {
        SecretCache cache = secrets.cache(credential);
        CopyException first = failure(() -> cache.get(reference("no-such-secret", null, "/first")));
        CopyException second = failure(() -> cache.get(reference("no-such-secret", null, "/second")));
        assertThat(first.error().details()).extracting(Violation::pointer).containsExactly("/first");
        assertThat(second.code()).isEqualTo(ErrorCode.KeyVaultSecretNotFound);
        assertThat(second.error().details()).extracting(Violation::pointer).containsExactly("/second");
        assertThat(vault.fetches("no-such-secret")).isEqualTo(1);
    }

    /** The SDK's challenge-resource verification stays on: a "vault" asking for another resource's token gets none. */
    @Test
    void aServerWhoseChallengeNamesAnotherDomainGetsNoToken() {
        vault.challengeResource("https://vault.azure.net");
        CopyException refused =
                failure(() -> secrets.resolve(reference("pg-password", null, "/ls/password"), credential));
        assertThat(refused.code()).isEqualTo(ErrorCode.InvalidPayload);
        assertThat(refused.httpStatus()).isEqualTo(400);
        assertThat(refused.error().details()).extracting(Violation::pointer).containsExactly("/ls/password");
        assertThat(vault.requests())
                .as("the challenge is asked for once, not retried")
                .hasSize(1)
                .allSatisfy(request -> assertThat(request.bearerToken()).isNull());
        assertThat(tokenRequests).as("no token was even asked for").isEmpty();
    }

    @Test
    void aBadBaseUrlIsAnInvalidPayloadAtTheReference() {
        for (String bad : List.of(
                "http://myvault.vault.azure.net/",
                "https://admin:hunter2@myvault.vault.azure.net/",
                "https://myvault.vault.azure.net/?x=1",
                "https://myvault.vault.azure.net/#f",
                "https://myvault.vault.azure.net/secrets/pg-password",
                "https://127.0.0.1/",
                "https://[::1]:8443/",
                "https://localhost/",
                "https://my_vault.vault.azure.net/",
                "myvault.vault.azure.net",
                "",
                "https://",
                "not a url",
                "ftp://myvault.vault.azure.net/")) {
            CopyException invalid = failure(() -> SecretReference.of(bad, "pg-password", null, "/ls/password"));
            assertThat(invalid.code()).as(bad).isEqualTo(ErrorCode.InvalidPayload);
            assertThat(invalid.httpStatus()).isEqualTo(400);
            assertThat(invalid.error().details())
                    .as(bad)
                    .extracting(Violation::pointer)
                    .containsExactly("/ls/password");
            assertThat(invalid.getMessage()).as(bad).doesNotContain("hunter2");
            assertThat(SecretReference.vaultUrlProblem(bad)).as(bad).isPresent();
        }
        assertThat(failure(() -> SecretReference.of(
                                "https://myvault.vault.azure.net/", "../keys/x", "a/b", "/ls/password"))
                        .error()
                        .details())
                .extracting(Violation::pointer)
                .containsExactly("/ls/password/secretName", "/ls/password/secretVersion");

        assertThat(SecretReference.of("HTTPS://MyVault.Vault.Azure.Net:443", "pg-password", " ", "/p"))
                .isEqualTo(new SecretReference(
                        java.net.URI.create("https://myvault.vault.azure.net/"),
                        "pg-password",
                        java.util.Optional.empty(),
                        "/p"));
        assertThat(SecretReference.of(vault.baseUrl().toString(), "pg-password", V1, "/p")
                        .vault())
                .isEqualTo(vault.baseUrl());
    }

    private SecretReference reference(String name, String version, String pointer) {
        return SecretReference.of(vault.baseUrl().toString(), name, version, pointer);
    }

    /** A credential handing out {@code token}, as the function's managed identity would. */
    private TokenCredential tokens(String token) {
        return context -> {
            tokenRequests.add(context);
            return Mono.just(new AccessToken(token, OffsetDateTime.now().plusHours(1)));
        };
    }

    private CopyException failure(Runnable action) {
        CopyException failure = catchThrowableOfType(CopyException.class, action::run);
        assertThat(failure).as("a CopyException").isNotNull();
        failures.add(failure);
        return failure;
    }

    /** No secret value, nor token, in anything a caller or the log sees of a failure. */
    private static void assertNoValueIn(CopyException failure) {
        List<String> seen =
                new ArrayList<>(List.of(failure.getMessage(), failure.error().message(), failure.toString()));
        failure.error().details().forEach(violation -> seen.add(violation.reason()));
        for (String text : seen) {
            assertThat(text).doesNotContain(VALUES).doesNotContain(TOKEN, "never-read");
        }
    }
}
