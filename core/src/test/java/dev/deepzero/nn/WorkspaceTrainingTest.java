package dev.deepzero.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.deepzero.loss.SoftmaxCrossEntropy;
import dev.deepzero.nn.layers.BatchNorm;
import dev.deepzero.nn.layers.Conv2d;
import dev.deepzero.nn.layers.Flatten;
import dev.deepzero.nn.layers.LeakyRelu;
import dev.deepzero.nn.layers.Linear;
import dev.deepzero.nn.layers.MaxPool2d;
import dev.deepzero.optim.Sgd;
import dev.deepzero.tensor.Tensor;
import dev.deepzero.tensor.Workspace;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Reused activation memory must not change training: steps in workspace scopes equal steps without. */
class WorkspaceTrainingTest {

  private static Sequential net() {
    SplittableRandom rng = new SplittableRandom(11);
    // Odd sizes, so that the pooling leaves an uncovered last row and column whose gradient must stay 0.
    return new Sequential(new Conv2d(2, 3, 3, rng), new BatchNorm(3), new LeakyRelu(), new MaxPool2d(2),
        new Flatten(), new Linear(3 * 3 * 3, 4, rng));
  }

  private static Sequential train(boolean inWorkspace) {
    Sequential model = net();
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    Sgd sgd = new Sgd(model.parameters(), 0.05f);
    Workspace workspace = new Workspace();
    SplittableRandom data = new SplittableRandom(5);
    for (int step = 0; step < 6; step++) {
      // Two batch sizes in turn, so that arrays of several lengths are recycled.
      int n = step % 2 == 0 ? 5 : 3;
      Tensor x = Tensor.uniform(data, -1f, 1f, n, 2, 9, 9);
      Tensor y = Tensor.zeros(n);
      for (int i = 0; i < n; i++) {
        y.data()[i] = (i + step) % 4;
      }
      Workspace.Scope scope = inWorkspace ? workspace.open() : null;
      loss.forward(model.forward(x, Mode.TRAIN), y);
      sgd.zeroGrad();
      model.backward(loss.backward());
      sgd.step();
      if (scope != null) {
        scope.close();
      }
    }
    return model;
  }

  @Test
  void trainingInWorkspaceScopesGivesBitIdenticalWeights() {
    Sequential plain = train(false);
    Sequential reused = train(true);
    for (int i = 0; i < plain.parameters().size(); i++) {
      assertArrayEquals(plain.parameters().get(i).value().data(), reused.parameters().get(i).value().data(),
          "parameter " + plain.parameters().get(i).name() + " of layer list index " + i);
    }
    Tensor probe = Tensor.uniform(new SplittableRandom(9), -1f, 1f, 2, 2, 9, 9);
    assertArrayEquals(plain.predict(probe).data(), reused.predict(probe).data());
    assertEquals(plain.stateDict().keySet(), reused.stateDict().keySet());
  }
}
