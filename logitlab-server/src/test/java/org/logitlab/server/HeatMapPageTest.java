package org.logitlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The heat-map page in headless Chromium (src/test/js/heatmap-page.mjs via playwright-core): generate, hover a
 * token, see its ten alternatives and the sequence metrics; score a text and colour it by a scoring method's
 * per-token contributions. The screenshots (generate and score mode) are kept in target/.
 */
class HeatMapPageTest {
    @Test
    void generatingScoringAndColouringByAMethodShowTokensAlternativesAndMetrics() throws Exception {
        NodeTools.requirePackage("playwright-core");
        NodeTools.requireChromium();
        Path screenshot = Path.of("target", "heatmap-page.png").toAbsolutePath();
        Path scoreScreenshot = Path.of("target", "heatmap-page-score.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        Files.deleteIfExists(scoreScreenshot);
        Path profile = Files.createTempDirectory("logitlab-chromium-");
        try (TestServer server = TestServer.start()) {
            JsonNode report = TestServer.JSON.readTree(NodeTools.run(
                            "heatmap-page.mjs", 180, server.server.baseUrl(), screenshot.toString(), profile.toString())
                    .stdout());
            assertThat(report.get("alternatives").asInt()).isEqualTo(10);
            assertThat(report.get("generatedTokens").asInt()).isGreaterThan(10);
            assertThat(report.get("perplexity").asDouble()).isGreaterThanOrEqualTo(1.0);
            assertThat(report.get("scoredText").asText()).endsWith("The cat sat on the mat.");
            assertThat(report.get("methodColoursChanged").asInt()).isGreaterThan(0);
            assertThat(report.get("methodLegend").asText())
                    .contains("fast-detectgpt")
                    .contains("higher = more likely machine-generated");
            assertThat(report.get("methodScores").asInt()).isGreaterThan(5);
            assertThat(screenshot).exists();
            assertThat(Files.size(screenshot)).isGreaterThan(10_000);
            assertThat(scoreScreenshot).exists();
            assertThat(Files.size(scoreScreenshot)).isGreaterThan(10_000);
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }
}
