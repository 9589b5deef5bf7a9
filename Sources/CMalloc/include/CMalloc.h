#ifndef CMALLOC_H
#define CMALLOC_H
// glibc's malloc tuning, which Swift's Glibc module does not export.
#if defined(__linux__)
#include <malloc.h>
#endif
#endif
