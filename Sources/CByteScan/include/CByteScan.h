#ifndef CBYTESCAN_H
#define CBYTESCAN_H
// The CSV field scan's inner step, which needs SSE2's byte-mask instruction that Swift does not expose.
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Bit i is set when p[i] is a comma, a line feed or a double quote; reads exactly p[0..<64].
static inline uint64_t letterlag_csv_specials64(const uint8_t *p) {
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"');
    uint64_t mask = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, lf)),
                                   _mm_cmpeq_epi8(v, quote));
        mask |= (uint64_t)(uint16_t)_mm_movemask_epi8(hit) << (16 * k);
    }
    return mask;
#else
    uint64_t mask = 0;
    for (int i = 0; i < 64; i++) {
        uint8_t b = p[i];
        if (b == ',' || b == '\n' || b == '"') mask |= (uint64_t)1 << i;
    }
    return mask;
#endif
}

/// Bit i of *quotes is set when p[i] is a double quote, and of *newlines when it is a line feed; reads exactly p[0..<64].
static inline void letterlag_quotes_newlines64(const uint8_t *p, uint64_t *quotes, uint64_t *newlines) {
#if defined(__SSE2__)
    const __m128i lf = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"');
    uint64_t q = 0, n = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        q |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)) << (16 * k);
        n |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf)) << (16 * k);
    }
    *quotes = q;
    *newlines = n;
#else
    uint64_t q = 0, n = 0;
    for (int i = 0; i < 64; i++) {
        if (p[i] == '"') q |= (uint64_t)1 << i;
        if (p[i] == '\n') n |= (uint64_t)1 << i;
    }
    *quotes = q;
    *newlines = n;
#endif
}

/// Bit i of *delimiters is set when p[i] is a comma or a line feed, and of *quotes when it is a
/// double quote; reads exactly p[0..<64]. For rows without quotes, which need no quote parity.
static inline void letterlag_delimiters_quotes64(const uint8_t *p, uint64_t *delimiters, uint64_t *quotes) {
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"');
    uint64_t d = 0, q = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        d |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, lf))) << (16 * k);
        q |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)) << (16 * k);
    }
    *delimiters = d;
    *quotes = q;
#else
    uint64_t d = 0, q = 0;
    for (int i = 0; i < 64; i++) {
        if (p[i] == ',' || p[i] == '\n') d |= (uint64_t)1 << i;
        if (p[i] == '"') q |= (uint64_t)1 << i;
    }
    *delimiters = d;
    *quotes = q;
#endif
}

#endif
