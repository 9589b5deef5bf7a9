#include "CStreamingCopy.h"
