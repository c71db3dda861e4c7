package dev.deepzero.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The matrix products of {@link PanamaKernels} ({@link Kernels#sgemm} and {@link Kernels#accumulateRowDots}) on
 * the Vector API: the GEMM engine, apart from the elementwise kernels.
 *
 * <p>{@link #sgemm} is blocked in the manner of BLIS / GotoBLAS: {@code op(B)} is packed into zero-padded
 * panels {@link #NR} columns wide and {@link #KC} deep, {@code op(A)} into a row-major {@link #MC} x {@link #KC}
 * block when several B panels reuse it, and an {@code MR × NR} register tile, its shape chosen from the vector
 * register count, accumulates with fused multiply-adds.
 * Packing reads either stored layout, so all four transpose combinations run the same inner loop. Every element
 * of C gets the same arithmetic on every path (packed or not, any sub-matrix): each block of {@code KC}
 * consecutive {@code p} is summed with fused multiply-adds in increasing {@code p} into an accumulator that
 * starts at zero, and block sums are added to C in order; C is first scaled by beta when beta is neither 0 nor
 * 1, and with beta 0 the first block sum is stored instead of added. This is what makes
 * {@code dev.deepzero.ops.Gemm} bit-identical for any thread count.
 *
 * <p>Memory: the packing buffers are kept per thread ({@link #BUFFERS}), the one reused memory outside the
 * tensor package's {@code Workspace}. It must stay here: the kernels sit below the tensor package and cannot
 * see a workspace, they run on the pool's worker threads (which have none open), and the buffers' sizes are
 * fixed by the blocking constants, not by the problem, so one set per thread serves every call.
 */
final class PanamaGemm {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int VL = S.length();

  /**
   * Vector registers the JIT can allocate: 32 with AVX-512 (zmm0-31), taken to be 16 otherwise (AVX2's ymm0-15;
   * also what C2 uses on an AVX-512 machine run with {@code -XX:UseAVX=2}, which is how a 256-bit cap is set).
   */
  static final int REGISTERS = VL >= 16 ? 32 : 16;
  /**
   * The register tile is chosen from the register count. C2 issues every broadcast of A ahead of the fused
   * multiply-adds of an iteration, so a tile of {@code MR} rows by {@code V} vectors needs {@code MR·V}
   * accumulators, {@code V} vectors of B and {@code MR} broadcasts live at once; one register more and an
   * accumulator is spilled, and every iteration then waits on a store and a reload (6 x 2 on 16 registers with
   * unit-stride reads: up to 20 live, 0.66-0.74x the speed of the same tile held back by a range check per
   * load). So on 16 registers the tile is 3 x 3 vectors (15 live, 9 multiply-adds per 6 loads); on 32 it is
   * 6 x 2 (20 live, 12 per 8 loads), the tile measured on AVX-512 before this rule.
   */
  static final boolean WIDE_TILE = REGISTERS == 16;
  /** Rows of the register tile. */
  static final int MR = WIDE_TILE ? 3 : 6;
  /** Columns of the register tile and width of a packed B panel: 3 or 2 vectors. */
  static final int NR = (WIDE_TILE ? 3 : 2) * VL;
  /** Depth of a packed block: one {@code KC × NR} B panel stays in L1 while A panels stream past it. */
  static final int KC = 256;
  /** Rows of a packed A block, sized for L2. A multiple of {@link #MR}. */
  static final int MC = 144;
  /** Columns of a packed B block: a multiple of {@link #NR} for 2 or 3 vectors of 4, 8 or 16 lanes. */
  static final int NC = 2016;
  // Masked loads and stores compile to single instructions from JDK 18 on; JDK 17 runs them about ten times
  // slower than a scalar loop over the same lanes (measured on AVX-512), so there the tails are scalar.
  private static final boolean MASKED_TAILS = Runtime.version().feature() >= 18;
  // Below this many multiply-adds packing B costs more than it saves.
  private static final long SMALL_MACS = 1L << 13;

  // Packing buffers, one set per thread (about 2 MB), allocated on first use; pool threads keep theirs.
  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  /** Per-thread scratch space for {@link #sgemm}. */
  private static final class Buffers {
    final float[] packedB = new float[KC * NC];
    final float[] packedA = new float[MC * KC];
    // Block sums of one register tile, row-major with row stride NR, on their way into C.
    final float[] sums = new float[MR * NR];
  }

  private PanamaGemm() {}

  // ---------------------------------------------------------------- sgemm

  /** {@link Kernels#sgemm}. */
  static void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    // Element strides: op(A)[i][p] = a[aOff + i * aRs + p * aCs], op(B)[p][j] = b[bOff + p * bRs + j * bCs].
    int aRs = transA ? 1 : lda;
    int aCs = transA ? lda : 1;
    int bRs = transB ? 1 : ldb;
    int bCs = transB ? ldb : 1;
    if (k == 0 || (beta != 0f && beta != 1f)) {
      scaleC(beta, c, cOff, ldc, m, n);
    }
    if (k == 0) {
      return;
    }
    // From here C is either overwritten (beta 0) or accumulated into.
    boolean accumulate = beta != 0f;
    // Fewer rows than a register tile go without packing when B is stored [k, n] (a lane per column of C), but
    // not when B is stored [n, k] (Linear's forward at batch 1: x · Wᵀ): unpacked, every element would be one
    // serial chain of scalar multiply-adds, bound by their latency (0.3 ms for the MLP's 784 x 256 layer).
    if ((long) m * n * k <= SMALL_MACS || (m < MR && bCs == 1)) {
      smallGemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, accumulate, c, cOff, ldc);
    } else {
      blockedGemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, accumulate, c, cOff, ldc);
    }
  }

  private static void scaleC(float beta, float[] c, int cOff, int ldc, int m, int n) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int at = cOff + i * ldc + j;
        c[at] = beta == 0f ? 0f : c[at] * beta;
      }
    }
  }

  private static void blockedGemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs,
      float[] b, int bOff, int bRs, int bCs, boolean accumulate, float[] c, int cOff, int ldc) {
    Buffers buf = BUFFERS.get();
    // Packing A pays for itself only when enough B panels reuse it (measured: not for n = 2 NR, yes for 32 NR).
    // A stored [k, m] is always packed: the register tile reads each row of A at unit stride, so that the JIT can
    // prove every index in range before the loop instead of checking each load.
    boolean packA = n > 4 * NR || aCs != 1;
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        boolean add = accumulate || pc > 0;
        packB(b, bOff + pc * bRs + jc * bCs, bRs, bCs, kc, nc, buf.packedB);
        for (int ic = 0; ic < m; ic += MC) {
          int mc = Math.min(MC, m - ic);
          int aBase = aOff + ic * aRs + pc * aCs;
          if (packA) {
            packA(a, aBase, aRs, aCs, mc, kc, buf.packedA);
          }
          float[] blockA = packA ? buf.packedA : a;
          int rowStride = packA ? kc : aRs;
          for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int bp = jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
              int rows = Math.min(MR, mc - ir);
              int ci = cOff + (ic + ir) * ldc + jc + jr;
              int ai = packA ? ir * kc : aBase + ir * aRs;
              tile(rows, cols, kc, blockA, ai, rowStride, buf.packedB, bp, buf.sums);
              addTile(rows, cols, buf.sums, add, c, ci, ldc);
            }
          }
        }
      }
    }
  }

  /**
   * Packs {@code op(B)[0, kc) × [0, nc)} into panels of {@link #NR} columns: panel {@code t} holds element
   * {@code (p, jj)} at {@code t * NR * kc + p * NR + jj}, zero beyond the last column.
   */
  private static void packB(float[] b, int base, int rs, int cs, int kc, int nc, float[] dst) {
    if (cs == 1) {
      // B stored [k, n]: each row of B is read once, front to back, and dealt out to the panels. (Panel by panel,
      // the reads went down a column of rows n floats apart: with n a multiple of 1024 every row fell in the same
      // L1 set and missed.)
      for (int p = 0; p < kc; p++) {
        int src = base + p * rs;
        for (int j0 = 0; j0 < nc; j0 += NR) {
          int cols = Math.min(NR, nc - j0);
          int to = j0 * kc + p * NR;
          int from = src + j0;
          int jj = 0;
          for (int bound = S.loopBound(cols); jj < bound; jj += VL) {
            FloatVector.fromArray(S, b, from + jj).intoArray(dst, to + jj);
          }
          if (MASKED_TAILS) {
            // Masked-off lanes load as zero: that is the padding.
            for (; jj < NR; jj += VL) {
              FloatVector.fromArray(S, b, from + jj, S.indexInRange(jj, cols)).intoArray(dst, to + jj);
            }
          }
          // scalar tail, then the zero padding
          for (; jj < cols; jj++) {
            dst[to + jj] = b[from + jj];
          }
          for (; jj < NR; jj++) {
            dst[to + jj] = 0f;
          }
        }
      }
    } else {
      for (int j0 = 0; j0 < nc; j0 += NR) {
        // B stored [n, k]: a transpose.
        packTransposed(b, base + j0 * cs, cs, kc, Math.min(NR, nc - j0), dst, j0 * kc);
      }
    }
  }

  /**
   * One B panel from B stored [n, k]: {@code dst[panel + p * NR + jj] = b[src + jj * ld + p]}, zero for
   * {@code jj >= cols}. Whole 8 x 8 blocks go through registers when the panel is deep enough to repay it
   * (the transpose is one large method, slow until the JIT has compiled it); the rest is scalar, walking each
   * stored row (a panel column) contiguously.
   */
  private static void packTransposed(float[] b, int src, int ld, int kc, int cols, float[] dst, int panel) {
    int blockCols = TRANSPOSE_BLOCK > 0 && kc >= TRANSPOSE_MIN_DEPTH ? cols - cols % TRANSPOSE_BLOCK : 0;
    int blockDepth = blockCols > 0 ? kc - kc % TRANSPOSE_BLOCK : 0;
    for (int jj = 0; jj < blockCols; jj += TRANSPOSE_BLOCK) {
      for (int p = 0; p < blockDepth; p += TRANSPOSE_BLOCK) {
        transpose8(b, src + jj * ld + p, ld, dst, panel + p * NR + jj);
      }
    }
    for (int jj = 0; jj < NR; jj++) {
      int to = panel + jj;
      if (jj < cols) {
        int from = src + jj * ld;
        for (int p = jj < blockCols ? blockDepth : 0; p < kc; p++) {
          dst[to + p * NR] = b[from + p];
        }
      } else {
        for (int p = 0; p < kc; p++) {
          dst[to + p * NR] = 0f;
        }
      }
    }
  }

  // 8 x 8 transposes in registers, on 256-bit vectors, for machines whose vectors are at least that wide (AVX2
  // and AVX-512 alike; narrower ones keep the scalar loop): stage d (4, 2, 1) swaps, in every pair of rows
  // (i, i + d) with i & d == 0, the lanes l & d != 0 of row i with the lanes l & d == 0 of row i + d. Constant
  // shuffles and masks compile to one permute and one blend each. About 0.4 instructions per element against two
  // (a load and a store) for the scalar loop. (A 16 x 16 version on 512-bit vectors ran on AVX-512 alone, where
  // it had taken Linear's forward product at 100 x 100 x 4320 from 98 to 118 GFLOP/s on one thread; it was
  // dropped for this one, which the AVX2 test machines run too.)
  private static final int TRANSPOSE_BLOCK = VL >= 8 ? 8 : 0;
  private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
  // Panels shallower than this stay scalar: a call or two of transpose8 per GEMM (a convolution's small
  // weight matrix) would run it in its slow, not yet compiled form for thousands of steps (measured: 8% off
  // the articles' conv forward product).
  private static final int TRANSPOSE_MIN_DEPTH = 64;
  private static final VectorShuffle<Float> UP4_8 = up(S8, 4);
  private static final VectorShuffle<Float> UP2_8 = up(S8, 2);
  private static final VectorShuffle<Float> UP1_8 = up(S8, 1);
  private static final VectorShuffle<Float> DOWN4_8 = down(S8, 4);
  private static final VectorShuffle<Float> DOWN2_8 = down(S8, 2);
  private static final VectorShuffle<Float> DOWN1_8 = down(S8, 1);
  private static final VectorMask<Float> HIGH4_8 = high(S8, 4);
  private static final VectorMask<Float> HIGH2_8 = high(S8, 2);
  private static final VectorMask<Float> HIGH1_8 = high(S8, 1);

  // Lane l of the result takes lane l - d when l & d != 0.
  private static VectorShuffle<Float> up(VectorSpecies<Float> species, int d) {
    return VectorShuffle.fromOp(species, l -> (l & d) != 0 ? l - d : l);
  }

  // Lane l of the result takes lane l + d when l & d == 0.
  private static VectorShuffle<Float> down(VectorSpecies<Float> species, int d) {
    return VectorShuffle.fromOp(species, l -> (l & d) == 0 ? l + d : l);
  }

  private static VectorMask<Float> high(VectorSpecies<Float> species, int d) {
    boolean[] bits = new boolean[species.length()];
    for (int l = 0; l < bits.length; l++) {
      bits[l] = (l & d) != 0;
    }
    return VectorMask.fromArray(species, bits, 0);
  }

  /** {@code dst[to + q * NR + i] = b[src + i * ld + q]} for {@code i, q < 8}. */
  private static void transpose8(float[] b, int src, int ld, float[] dst, int to) {
    FloatVector r0 = FloatVector.fromArray(S8, b, src);
    FloatVector r1 = FloatVector.fromArray(S8, b, src + ld);
    FloatVector r2 = FloatVector.fromArray(S8, b, src + 2 * ld);
    FloatVector r3 = FloatVector.fromArray(S8, b, src + 3 * ld);
    FloatVector r4 = FloatVector.fromArray(S8, b, src + 4 * ld);
    FloatVector r5 = FloatVector.fromArray(S8, b, src + 5 * ld);
    FloatVector r6 = FloatVector.fromArray(S8, b, src + 6 * ld);
    FloatVector r7 = FloatVector.fromArray(S8, b, src + 7 * ld);
    FloatVector t;
    // d = 4
    t = r0.blend(r4.rearrange(UP4_8), HIGH4_8); r4 = r0.rearrange(DOWN4_8).blend(r4, HIGH4_8); r0 = t;
    t = r1.blend(r5.rearrange(UP4_8), HIGH4_8); r5 = r1.rearrange(DOWN4_8).blend(r5, HIGH4_8); r1 = t;
    t = r2.blend(r6.rearrange(UP4_8), HIGH4_8); r6 = r2.rearrange(DOWN4_8).blend(r6, HIGH4_8); r2 = t;
    t = r3.blend(r7.rearrange(UP4_8), HIGH4_8); r7 = r3.rearrange(DOWN4_8).blend(r7, HIGH4_8); r3 = t;
    // d = 2
    t = r0.blend(r2.rearrange(UP2_8), HIGH2_8); r2 = r0.rearrange(DOWN2_8).blend(r2, HIGH2_8); r0 = t;
    t = r1.blend(r3.rearrange(UP2_8), HIGH2_8); r3 = r1.rearrange(DOWN2_8).blend(r3, HIGH2_8); r1 = t;
    t = r4.blend(r6.rearrange(UP2_8), HIGH2_8); r6 = r4.rearrange(DOWN2_8).blend(r6, HIGH2_8); r4 = t;
    t = r5.blend(r7.rearrange(UP2_8), HIGH2_8); r7 = r5.rearrange(DOWN2_8).blend(r7, HIGH2_8); r5 = t;
    // d = 1
    t = r0.blend(r1.rearrange(UP1_8), HIGH1_8); r1 = r0.rearrange(DOWN1_8).blend(r1, HIGH1_8); r0 = t;
    t = r2.blend(r3.rearrange(UP1_8), HIGH1_8); r3 = r2.rearrange(DOWN1_8).blend(r3, HIGH1_8); r2 = t;
    t = r4.blend(r5.rearrange(UP1_8), HIGH1_8); r5 = r4.rearrange(DOWN1_8).blend(r5, HIGH1_8); r4 = t;
    t = r6.blend(r7.rearrange(UP1_8), HIGH1_8); r7 = r6.rearrange(DOWN1_8).blend(r7, HIGH1_8); r6 = t;
    r0.intoArray(dst, to);
    r1.intoArray(dst, to + NR);
    r2.intoArray(dst, to + 2 * NR);
    r3.intoArray(dst, to + 3 * NR);
    r4.intoArray(dst, to + 4 * NR);
    r5.intoArray(dst, to + 5 * NR);
    r6.intoArray(dst, to + 6 * NR);
    r7.intoArray(dst, to + 7 * NR);
  }

  /**
   * Copies {@code op(A)[0, mc) × [0, kc)} row-major into {@code dst}: element {@code (i, p)} at {@code i * kc + p}.
   * Each row is then contiguous, as the register tile reads it; the tile's rows are {@code kc} apart.
   */
  private static void packA(float[] a, int base, int rs, int cs, int mc, int kc, float[] dst) {
    if (cs == 1) {
      for (int i = 0; i < mc; i++) {
        System.arraycopy(a, base + i * rs, dst, i * kc, kc);
      }
    } else {
      // A stored [k, m]: a transpose, reading each stored row (one p, consecutive i) contiguously.
      for (int p = 0; p < kc; p++) {
        int src = base + p * cs;
        for (int i = 0; i < mc; i++) {
          dst[i * kc + p] = a[src + i * rs];
        }
      }
    }
  }

  /**
   * Block sums of a register tile, {@code rows <= MR} by {@code cols <= NR}, into {@code sums}: B packed, row
   * {@code r} of A at {@code a[ai + r * rowStride + p]}. A short tile (the last rows of C) runs the full tile with
   * its missing rows reading the last real row again: their sums are never stored, and one pass of the full
   * tile beats a pass per row, each reloading all of B. With 6 x 2 tiles, a narrow tile (the last columns of C,
   * at most one vector) runs the half-width kernel, which would otherwise spend half its multiply-adds on the
   * panel's zero padding; a 3-row kernel one vector wide is bound by the multiply-add latency (3 chains), no
   * faster than the full 3 x 3 tile.
   */
  private static void tile(int rows, int cols, int kc, float[] a, int ai, int rowStride, float[] bp, int bi,
      float[] sums) {
    int last = rows - 1;
    int a1 = ai + Math.min(1, last) * rowStride;
    int a2 = ai + Math.min(2, last) * rowStride;
    if (WIDE_TILE) {
      tile3x3(kc, a, ai, a1, a2, bp, bi, sums);
      return;
    }
    int a3 = ai + Math.min(3, last) * rowStride;
    int a4 = ai + Math.min(4, last) * rowStride;
    int a5 = ai + Math.min(5, last) * rowStride;
    if (cols <= VL) {
      tile6x1(kc, a, ai, a1, a2, a3, a4, a5, bp, bi, sums);
    } else {
      tile6x2(kc, a, ai, a1, a2, a3, a4, a5, bp, bi, sums);
    }
  }

  // The kernels: accumulators stay in registers through the p loop and leave through one array store each (a
  // vector passed to a method that the JIT does not inline, as cold call sites after the loop are not, is boxed).
  // They are kept small on purpose: a larger one (C update and masked stores inline) made C1's tier-3 compile
  // fail with "out of virtual registers", which can leave it in slow tier-2 code for good. Every index is linear
  // in p with a constant factor (1 for A, NR for B): the JIT proves them in range once, before the loop.

  private static void tile3x3(int kc, float[] a, int a0, int a1, int a2, float[] bp, int bi, float[] sums) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = c00;
    FloatVector c02 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c12 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c22 = c00;
    for (int p = 0; p < kc; p++) {
      int bo = bi + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bo);
      FloatVector b1 = FloatVector.fromArray(S, bp, bo + VL);
      FloatVector b2 = FloatVector.fromArray(S, bp, bo + 2 * VL);
      FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      c02 = x.fma(b2, c02);
      x = FloatVector.broadcast(S, a[a1 + p]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      c12 = x.fma(b2, c12);
      x = FloatVector.broadcast(S, a[a2 + p]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      c22 = x.fma(b2, c22);
    }
    c00.intoArray(sums, 0);
    c01.intoArray(sums, VL);
    c02.intoArray(sums, 2 * VL);
    c10.intoArray(sums, NR);
    c11.intoArray(sums, NR + VL);
    c12.intoArray(sums, NR + 2 * VL);
    c20.intoArray(sums, 2 * NR);
    c21.intoArray(sums, 2 * NR + VL);
    c22.intoArray(sums, 2 * NR + 2 * VL);
  }

  private static void tile6x2(int kc, float[] a, int a0, int a1, int a2, int a3, int a4, int a5,
      float[] bp, int bi, float[] sums) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c50 = c00;
    FloatVector c51 = c00;
    for (int p = 0; p < kc; p++) {
      int bo = bi + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bo);
      FloatVector b1 = FloatVector.fromArray(S, bp, bo + VL);
      FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[a1 + p]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[a2 + p]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[a3 + p]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, a[a4 + p]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, a[a5 + p]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    c00.intoArray(sums, 0);
    c01.intoArray(sums, VL);
    c10.intoArray(sums, NR);
    c11.intoArray(sums, NR + VL);
    c20.intoArray(sums, 2 * NR);
    c21.intoArray(sums, 2 * NR + VL);
    c30.intoArray(sums, 3 * NR);
    c31.intoArray(sums, 3 * NR + VL);
    c40.intoArray(sums, 4 * NR);
    c41.intoArray(sums, 4 * NR + VL);
    c50.intoArray(sums, 5 * NR);
    c51.intoArray(sums, 5 * NR + VL);
  }

  /** {@link #tile6x2} for the first {@code VL} columns of the panel only: sums of the rest are not written. */
  private static void tile6x1(int kc, float[] a, int a0, int a1, int a2, int a3, int a4, int a5,
      float[] bp, int bi, float[] sums) {
    FloatVector c0 = FloatVector.zero(S);
    FloatVector c1 = c0;
    FloatVector c2 = c0;
    FloatVector c3 = c0;
    FloatVector c4 = c0;
    FloatVector c5 = c0;
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, bp, bi + p * NR);
      c0 = FloatVector.broadcast(S, a[a0 + p]).fma(b0, c0);
      c1 = FloatVector.broadcast(S, a[a1 + p]).fma(b0, c1);
      c2 = FloatVector.broadcast(S, a[a2 + p]).fma(b0, c2);
      c3 = FloatVector.broadcast(S, a[a3 + p]).fma(b0, c3);
      c4 = FloatVector.broadcast(S, a[a4 + p]).fma(b0, c4);
      c5 = FloatVector.broadcast(S, a[a5 + p]).fma(b0, c5);
    }
    c0.intoArray(sums, 0);
    c1.intoArray(sums, NR);
    c2.intoArray(sums, 2 * NR);
    c3.intoArray(sums, 3 * NR);
    c4.intoArray(sums, 4 * NR);
    c5.intoArray(sums, 5 * NR);
  }

  /** {@code C = sums} or {@code C += sums} over a {@code rows × cols} tile. */
  private static void addTile(int rows, int cols, float[] sums, boolean add, float[] c, int ci, int ldc) {
    int bound = S.loopBound(cols);
    VectorMask<Float> tail = S.indexInRange(bound, cols);
    for (int r = 0; r < rows; r++) {
      int row = ci + r * ldc;
      int j = 0;
      for (; j < bound; j += VL) {
        FloatVector sum = FloatVector.fromArray(S, sums, r * NR + j);
        if (add) {
          sum = sum.add(FloatVector.fromArray(S, c, row + j));
        }
        sum.intoArray(c, row + j);
      }
      if (MASKED_TAILS && j < cols) {
        FloatVector sum = FloatVector.fromArray(S, sums, r * NR + j);
        if (add) {
          sum = sum.add(FloatVector.fromArray(S, c, row + j, tail));
        }
        sum.intoArray(c, row + j, tail);
        j = cols;
      }
      // scalar tail
      for (; j < cols; j++) {
        c[row + j] = add ? sums[r * NR + j] + c[row + j] : sums[r * NR + j];
      }
    }
  }

  /**
   * Without packing, for problems too small to repay it. Same per-element arithmetic as the blocked path:
   * when B is stored [k, n] a lane runs the fused multiply-adds of one column; otherwise a scalar loop does.
   */
  private static void smallGemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs,
      float[] b, int bOff, int bRs, int bCs, boolean accumulate, float[] c, int cOff, int ldc) {
    int vectorCols = bCs == 1 ? S.loopBound(n) : 0;
    for (int i = 0; i < m; i++) {
      int aRow = aOff + i * aRs;
      int cRow = cOff + i * ldc;
      for (int j = 0; j < vectorCols; j += VL) {
        for (int pc = 0; pc < k; pc += KC) {
          int pEnd = Math.min(k, pc + KC);
          FloatVector acc = FloatVector.zero(S);
          for (int p = pc; p < pEnd; p++) {
            FloatVector x = FloatVector.broadcast(S, a[aRow + p * aCs]);
            acc = x.fma(FloatVector.fromArray(S, b, bOff + p * bRs + j), acc);
          }
          if (accumulate || pc > 0) {
            acc = acc.add(FloatVector.fromArray(S, c, cRow + j));
          }
          acc.intoArray(c, cRow + j);
        }
      }
      // scalar tail
      for (int j = vectorCols; j < n; j++) {
        int bCol = bOff + j * bCs;
        for (int pc = 0; pc < k; pc += KC) {
          int pEnd = Math.min(k, pc + KC);
          float acc = 0f;
          for (int p = pc; p < pEnd; p++) {
            acc = Math.fma(a[aRow + p * aCs], b[bCol + p * bRs], acc);
          }
          c[cRow + j] = accumulate || pc > 0 ? acc + c[cRow + j] : acc;
        }
      }
    }
  }

  // ---------------------------------------------------------------- row dot products

  /**
   * Blocks of 3 rows of A by 3 rows of B: nine vector accumulators and six operand vectors fit the registers of
   * AVX2 (16) as well as AVX-512, and each loaded vector serves three products. Rows left over at the edges
   * fall back to one {@link PanamaKernels#dotProduct} per element.
   */
  static void accumulateRowDots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc) {
    int m3 = m - m % 3;
    int n3 = n - n % 3;
    float[] lanes = new float[9 * VL]; // the nine partial sums of a block, on their way to lanesSum
    for (int i = 0; i < m3; i += 3) {
      for (int j = 0; j < n3; j += 3) {
        dots3x3(k, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, c, cOff + i * ldc + j, ldc, lanes);
      }
    }
    for (int i = 0; i < m; i++) {
      for (int j = i < m3 ? n3 : 0; j < n; j++) {
        c[cOff + i * ldc + j] += PanamaKernels.dotProduct(a, aOff + i * lda, b, bOff + j * ldb, k);
      }
    }
  }

  private static void dots3x3(int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int ci,
      int ldc, float[] lanes) {
    int a1 = a0 + lda;
    int a2 = a1 + lda;
    int b1 = b0 + ldb;
    int b2 = b1 + ldb;
    FloatVector s00 = FloatVector.zero(S);
    FloatVector s01 = s00;
    FloatVector s02 = s00;
    FloatVector s10 = s00;
    FloatVector s11 = s00;
    FloatVector s12 = s00;
    FloatVector s20 = s00;
    FloatVector s21 = s00;
    FloatVector s22 = s00;
    int p = 0;
    for (int bound = S.loopBound(k); p < bound; p += VL) {
      FloatVector x0 = FloatVector.fromArray(S, a, a0 + p);
      FloatVector x1 = FloatVector.fromArray(S, a, a1 + p);
      FloatVector x2 = FloatVector.fromArray(S, a, a2 + p);
      FloatVector y = FloatVector.fromArray(S, b, b0 + p);
      s00 = x0.fma(y, s00);
      s10 = x1.fma(y, s10);
      s20 = x2.fma(y, s20);
      y = FloatVector.fromArray(S, b, b1 + p);
      s01 = x0.fma(y, s01);
      s11 = x1.fma(y, s11);
      s21 = x2.fma(y, s21);
      y = FloatVector.fromArray(S, b, b2 + p);
      s02 = x0.fma(y, s02);
      s12 = x1.fma(y, s12);
      s22 = x2.fma(y, s22);
    }
    s00.intoArray(lanes, 0);
    s01.intoArray(lanes, VL);
    s02.intoArray(lanes, 2 * VL);
    s10.intoArray(lanes, 3 * VL);
    s11.intoArray(lanes, 4 * VL);
    s12.intoArray(lanes, 5 * VL);
    s20.intoArray(lanes, 6 * VL);
    s21.intoArray(lanes, 7 * VL);
    s22.intoArray(lanes, 8 * VL);
    // each of the nine sums: its lanes, then its scalar tail
    for (int r = 0; r < 3; r++) {
      for (int q = 0; q < 3; q++) {
        float sum = PanamaKernels.lanesSum(lanes, (r * 3 + q) * VL);
        int ar = a0 + r * lda;
        int bq = b0 + q * ldb;
        for (int t = p; t < k; t++) {
          sum = Math.fma(a[ar + t], b[bq + t], sum);
        }
        c[ci + r * ldc + q] += sum;
      }
    }
  }
}
