package io.pgferry.payload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathNamesTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"exports", "exports/shop/orders", "day=2026-11-24/hour=08", "a b/ü/日本", ".hidden/x"})
    void takesPlainFolders(String folder) {
        assertThat(PathNames.folderProblem(folder)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "..",
                "a/../../x",
                "a/./b",
                "..\\..\\x",
                "a\\b",
                "a//b",
                "a/b.",
                "line\nbreak",
                "tab\there",
                "nul\u0000",
                "del\u007f"
            })
    void refusesFoldersThatAreNotWhatTheyLookLike(String folder) {
        assertThat(PathNames.folderProblem(folder)).isPresent();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a/b", "..", ".", "x.", ""})
    void aSegmentIsOneNonEmptyNameNotEndingInADot(String name) {
        assertThat(PathNames.segmentProblem(name)).isPresent();
    }

    @ParameterizedTest(name = "{0} characters")
    @ValueSource(ints = {254, 255})
    void aSegmentHoldsAt254Characters(int length) {
        assertThat(PathNames.segmentProblem("x".repeat(length)).isPresent()).isEqualTo(length > 254);
    }
}
