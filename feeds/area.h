/*
 * area.h — 全国地方公共団体コード (local government codes).
 *
 * A municipality code is five digits plus a check digit:
 * check = (11 - Σ dᵢ·[6,5,4,3,2]ᵢ mod 11) mod 10.  Sources drop leading
 * zeros and the check digit; area_normalize() restores both.
 */
#ifndef TSUNAGU_AREA_H
#define TSUNAGU_AREA_H

int	area_check_digit(const char five[5]);
/*
 * "232106", "23210", "1002" (leading zero dropped: 01002) → "232106" …;
 * a 2-digit prefecture code ("23", "1") → "23", "01".  -1 when the text is
 * not a code or a 6-digit code has the wrong check digit.
 */
int	area_normalize(const char *in, char out[7]);

#endif
