package dev.jbox.kernel.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * Content records of the messages jbox reads and writes (Jupyter messaging 5.3). Component names are the
 * protocol's field names in camelCase ({@link Json#MAPPER} writes them in snake_case).
 */
public final class Contents {

    private Contents() {
    }

    // ---- requests -------------------------------------------------------------------------------------------

    public record ExecuteRequest(String code, Boolean silent, Boolean storeHistory, Map<String, String> userExpressions,
                                 Boolean allowStdin, Boolean stopOnError) {
        public boolean isSilent() {
            return Boolean.TRUE.equals(silent);
        }

        /** Defaults to true, and is false whenever silent is. */
        public boolean storesHistory() {
            return !isSilent() && !Boolean.FALSE.equals(storeHistory);
        }

        public boolean allowsStdin() {
            return !Boolean.FALSE.equals(allowStdin);
        }

        public boolean stopsOnError() {
            return !Boolean.FALSE.equals(stopOnError);
        }

        public Map<String, String> expressions() {
            return userExpressions == null ? Map.of() : userExpressions;
        }
    }

    public record CompleteRequest(String code, Integer cursorPos) {
    }

    public record InspectRequest(String code, Integer cursorPos, Integer detailLevel) {
    }

    public record IsCompleteRequest(String code) {
    }

    public record HistoryRequest(Boolean output, Boolean raw, String histAccessType, Integer session, Integer start,
                                 Integer stop, Integer n, String pattern, Boolean unique) {
    }

    public record ShutdownRequest(Boolean restart) {
    }

    public record InputReply(String value) {
    }

    public record CommOpen(String commId, String targetName) {
    }

    // ---- replies and broadcasts -----------------------------------------------------------------------------

    public record Status(String executionState) {
    }

    public record Stream(String name, String text) {
    }

    public record ExecuteInput(String code, int executionCount) {
    }

    public record ExecuteResult(int executionCount, Map<String, Object> data, Map<String, Object> metadata) {
    }

    public record DisplayData(Map<String, Object> data, Map<String, Object> metadata,
                              @JsonProperty("transient") Map<String, Object> transientData) {
    }

    public record ClearOutput(@JsonProperty("wait") boolean waitForNext) {
    }

    public record Error(String ename, String evalue, List<String> traceback) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ExecuteReply(String status, int executionCount, Map<String, Object> userExpressions,
                               List<Map<String, Object>> payload, String ename, String evalue, List<String> traceback) {
    }

    public record CompleteReply(String status, List<String> matches, int cursorStart, int cursorEnd, Map<String, Object> metadata) {
    }

    public record InspectReply(String status, boolean found, Map<String, Object> data, Map<String, Object> metadata) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record IsCompleteReply(String status, String indent) {
    }

    public record HistoryReply(String status, List<List<Object>> history) {
    }

    public record CommInfoReply(String status, Map<String, Object> comms) {
    }

    public record CommClose(String commId, Map<String, Object> data) {
    }

    public record ShutdownReply(String status, boolean restart) {
    }

    public record InterruptReply(String status) {
    }

    public record InputRequest(String prompt, boolean password) {
    }

    public record LanguageInfo(String name, String version, String mimetype, String fileExtension, String pygmentsLexer,
                               String codemirrorMode) {
    }

    public record HelpLink(String text, String url) {
    }

    public record KernelInfoReply(String status, String protocolVersion, String implementation, String implementationVersion,
                                  LanguageInfo languageInfo, String banner, List<HelpLink> helpLinks, boolean debugger) {
    }

    public static JsonNode toJson(Object content) {
        return Json.MAPPER.valueToTree(content);
    }
}
