package io.hilnat.host.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.flatbuffers.FlatBufferBuilder;
import io.grpc.Status;
import io.hilnat.host.agentclient.AgentClient;
import io.hilnat.host.agentclient.AgentException;
import io.hilnat.host.agentclient.LocalAgent;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A well-formed model whose operator the device's runtime does not have: a clear refusal at upload. */
class UnsupportedOpTest {

  @TempDir Path cache;

  /** One custom op that no TFLite build registers, float [1,4] -> [1,4]. */
  static byte[] unknownOpModel() {
    FlatBufferBuilder b = new FlatBufferBuilder(1024);
    b.startTable(1);
    int emptyBuffer = b.endTable();
    int[] tensors = new int[2];
    for (int i = 0; i < 2; i++) {
      int name = b.createString(i == 0 ? "x" : "y");
      b.startVector(4, 2, 4);
      b.addInt(4);
      b.addInt(1);
      int shape = b.endVector();
      b.startTable(4);
      b.addOffset(0, shape, 0);
      b.addByte(1, (byte) 0, -1);
      b.addInt(2, 0, -1);
      b.addOffset(3, name, 0);
      tensors[i] = b.endTable();
    }
    int inputs = intVector(b, 0);
    int outputs = intVector(b, 1);
    int opInputs = intVector(b, 0);
    int opOutputs = intVector(b, 1);
    b.startTable(3);
    b.addInt(0, 0, -1);
    b.addOffset(1, opInputs, 0);
    b.addOffset(2, opOutputs, 0);
    int op = b.endTable();
    int tensorVector = b.createVectorOfTables(tensors);
    int opVector = b.createVectorOfTables(new int[] {op});
    b.startTable(4);
    b.addOffset(0, tensorVector, 0);
    b.addOffset(1, inputs, 0);
    b.addOffset(2, outputs, 0);
    b.addOffset(3, opVector, 0);
    int subgraph = b.endTable();
    int customName = b.createString("HilnatNoSuchOp");
    b.startTable(4);
    b.addByte(0, (byte) 32, -1); // CUSTOM
    b.addOffset(1, customName, 0);
    b.addInt(2, 1, -1);
    b.addInt(3, 32, -1);
    int code = b.endTable();
    int codes = b.createVectorOfTables(new int[] {code});
    int subgraphs = b.createVectorOfTables(new int[] {subgraph});
    int buffers = b.createVectorOfTables(new int[] {emptyBuffer});
    b.startTable(5);
    b.addInt(0, 3, -1);
    b.addOffset(1, codes, 0);
    b.addOffset(2, subgraphs, 0);
    b.addOffset(4, buffers, 0);
    b.finish(b.endTable(), "TFL3");
    return b.sizedByteArray();
  }

  private static int intVector(FlatBufferBuilder b, int value) {
    b.startVector(4, 1, 4);
    b.addInt(value);
    return b.endVector();
  }

  @Test
  void unsupportedOperatorIsRefusedWithTheReason() throws Exception {
    try (LocalAgent agent = LocalAgent.start(cache); AgentClient client = new AgentClient(agent.target())) {
      AgentException e = assertThrows(AgentException.class, () -> client.ensureUploaded(unknownOpModel(),
          "unknown-op"));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
      System.out.println("unsupported op: " + e.getMessage());
      assertTrue(e.getMessage().contains("model rejected"), e.getMessage());
      assertTrue(e.getMessage().contains("HilnatNoSuchOp"), "TFLite's own words name the op: " + e.getMessage());
      assertEquals("tflite", client.describe().getRuntime(), "the agent keeps serving");
    }
  }
}
