package org.logitlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The heat-map page in headless Chromium (src/test/js/heatmap-page.mjs via playwright-core): generate, hover a
 * token, see its ten alternatives and the sequence metrics; the screenshot is kept in target/.
 */
class HeatMapPageTest {
    @Test
    void generatingAndHoveringShowsColouredTokensAlternativesAndMetrics() throws Exception {
        NodeTools.requirePackage("playwright-core");
        NodeTools.requireChromium();
        Path screenshot = Path.of("target", "heatmap-page.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        Path profile = Files.createTempDirectory("logitlab-chromium-");
        try (TestServer server = TestServer.start()) {
            JsonNode report = TestServer.JSON.readTree(NodeTools.run(
                            "heatmap-page.mjs", 180, server.server.baseUrl(), screenshot.toString(), profile.toString())
                    .stdout());
            assertThat(report.get("alternatives").asInt()).isEqualTo(10);
            assertThat(report.get("generatedTokens").asInt()).isGreaterThan(10);
            assertThat(report.get("perplexity").asDouble()).isGreaterThanOrEqualTo(1.0);
            assertThat(report.get("scoredText").asText()).endsWith("The cat sat on the mat.");
            assertThat(screenshot).exists();
            assertThat(Files.size(screenshot)).isGreaterThan(10_000);
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }
}
