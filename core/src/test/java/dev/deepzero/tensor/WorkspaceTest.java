package dev.deepzero.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WorkspaceTest {

  @Test
  void outsideAWorkspaceEmptyAllocatesEveryTime() {
    assertNotSame(Tensor.empty(3, 4).data(), Tensor.empty(3, 4).data());
    assertEquals(12, Tensor.empty(3, 4).size());
  }

  @Test
  void arraysTakenInAScopeAreReusedAfterItCloses() {
    Workspace workspace = new Workspace();
    float[] first;
    float[] second;
    try (Workspace.Scope scope = workspace.open()) {
      first = Tensor.empty(2, 5).data();
      second = Tensor.empty(10).data();
      assertNotSame(first, second, "two live tensors never share memory");
    }
    try (Workspace.Scope scope = workspace.open()) {
      float[] a = Tensor.empty(5, 2).data();
      float[] b = Tensor.empty(10).data();
      assertTrue((a == first && b == second) || (a == second && b == first), "same-size arrays come back");
      assertNotSame(a, Tensor.empty(10).data(), "a third one is new");
    }
    assertEquals(30, workspace.floats());
  }

  @Test
  void zerosAndCopiesNeverUseTheWorkspace() {
    Workspace workspace = new Workspace();
    float[] inside;
    Tensor kept;
    try (Workspace.Scope scope = workspace.open()) {
      Tensor t = Tensor.empty(4);
      inside = t.data();
      kept = t.copy();
      assertNotSame(inside, Tensor.zeros(4).data());
    }
    assertEquals(4, workspace.floats());
    assertNotSame(inside, kept.data());
  }

  @Test
  void scopesNestAndRestoreTheOuterWorkspace() {
    Workspace outer = new Workspace();
    Workspace inner = new Workspace();
    try (Workspace.Scope a = outer.open()) {
      Tensor.empty(3);
      try (Workspace.Scope b = inner.open()) {
        Tensor.empty(7);
      }
      Tensor.empty(5);
    }
    assertEquals(8, outer.floats());
    assertEquals(7, inner.floats());
    assertEquals(null, Workspace.current());
  }

  /**
   * A workspace keeps what its last outermost scope used: arrays of shapes a scope did without are dropped, so a
   * thread's own workspace does not hold every shape it ever saw. Arrays an inner scope freed count as used, once.
   */
  @Test
  void aScopeKeepsOnlyWhatItUsed() {
    Workspace workspace = new Workspace();
    try (Workspace.Scope step = workspace.open()) {
      Tensor.empty(100);
      Tensor.empty(10);
    }
    assertEquals(110, workspace.floats());
    try (Workspace.Scope step = workspace.open()) {
      Tensor.empty(10);
    }
    assertEquals(10, workspace.floats(), "the 100 floats the second scope did without are dropped");
    float[] a;
    float[] b;
    try (Workspace.Scope step = workspace.open()) {
      try (Workspace.Scope inner = workspace.open()) {
        a = Tensor.empty(7).data();
      }
      assertSame(a, Tensor.empty(7).data(), "the inner scope's array is free again");
      b = Tensor.empty(7).data();
    }
    assertEquals(14, workspace.floats());
    try (Workspace.Scope step = workspace.open()) {
      float[] first = Tensor.empty(7).data();
      float[] second = Tensor.empty(7).data();
      assertNotSame(first, second, "an array kept once is lent once");
      assertTrue((first == a && second == b) || (first == b && second == a));
    }
  }

  /** Opening a workspace inside its own scope nests: the inner scope frees only what it took. */
  @Test
  void scopesOfOneWorkspaceNestLikeAStack() {
    Workspace workspace = new Workspace();
    try (Workspace.Scope step = workspace.open()) {
      Tensor kept = Tensor.empty(6);
      kept.fill(3f);
      float[] innerArray;
      try (Workspace.Scope inner = workspace.open()) {
        Tensor scratch = Tensor.empty(6);
        assertTrue(scratch.data() != kept.data(), "the inner scope must not reuse the outer scope's array");
        innerArray = scratch.data();
      }
      assertSame(workspace, Workspace.current());
      assertEquals(3f, kept.data()[5], 0f);
      // The inner scope's array is free again; the outer one's is still lent.
      assertSame(innerArray, Tensor.empty(6).data());
      assertTrue(Tensor.empty(6).data() != kept.data());
    }
    assertEquals(null, Workspace.current());
    assertEquals(18, workspace.floats());
  }

  @Test
  void misuseIsAnError() {
    Workspace workspace = new Workspace();
    Workspace other = new Workspace();
    try (Workspace.Scope scope = workspace.open()) {
      Workspace.Scope nested = workspace.open();
      assertThrows(IllegalStateException.class, scope::close, "closing the outer scope before the nested one");
      nested.close();
      Workspace.Scope inner = other.open();
      assertThrows(IllegalStateException.class, scope::close, "closing the outer scope first");
      inner.close();
    }
    Workspace.Scope again = workspace.open();
    again.close();
    again.close(); // closing twice is harmless
    assertSame(null, Workspace.current());
  }
}
