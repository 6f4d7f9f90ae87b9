// Single-precision matrix product, cache-blocked and vectorised, on the thread pool.
#pragma once

namespace engine {

/**
 * C[M×N] = op(A)[M×K] · op(B)[K×N] (+ C when accumulate), all row-major.
 * op(A)(i, k) is A[i*lda + k], or A[k*lda + i] when trans_a; likewise for B.
 */
void sgemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
           bool accumulate);

}  // namespace engine
