#include "tile.h"

#include <cstring>

namespace engine {
namespace {

long product(const int* v, int from, int to) {
  long p = 1;
  for (int d = from; d < to; d++) p *= v[d];
  return p;
}

/** Fills y, the tiled block of dimensions d..rank-1, from x's block of those dimensions. */
void tile_from(int d, const float* x, const int* in, const int* reps, int rank, float* y) {
  if (d == rank - 1) {
    for (int r = 0; r < reps[d]; r++) std::memcpy(y + static_cast<long>(r) * in[d], x, sizeof(float) * in[d]);
    return;
  }
  const long inner_in = product(in, d + 1, rank);
  const long inner_out = inner_in * product(reps, d + 1, rank);
  for (int i = 0; i < in[d]; i++) tile_from(d + 1, x + i * inner_in, in, reps, rank, y + i * inner_out);
  // The first copy of this dimension is laid out: the others are whole-block copies of it.
  const long block = in[d] * inner_out;
  for (int r = 1; r < reps[d]; r++) std::memcpy(y + r * block, y, sizeof(float) * block);
}

}  // namespace

void tile(const float* x, const int* in_shape, const int* reps, int rank, float* y) {
  if (rank == 0) {
    y[0] = x[0];
    return;
  }
  tile_from(0, x, in_shape, reps, rank, y);
}

}  // namespace engine
