/* area.c — local government codes and their check digit. */
#include <string.h>

#include "area.h"

int
area_check_digit(const char five[5])
{
	static const int weight[5] = { 6, 5, 4, 3, 2 };
	int i, sum = 0;

	for (i = 0; i < 5; i++)
		sum += (five[i] - '0') * weight[i];
	return (11 - sum % 11) % 10;
}

int
area_normalize(const char *in, char out[7])
{
	size_t len = strlen(in), i;
	char digits[7];

	if (len == 0 || len > 6)
		return -1;
	for (i = 0; i < len; i++)
		if (in[i] < '0' || in[i] > '9')
			return -1;
	if (len <= 2) {
		/* A prefecture: 01 (Hokkaido) to 47 (Okinawa). */
		memset(out, '0', 2);
		memcpy(out + 2 - len, in, len);
		out[2] = '\0';
		if (memcmp(out, "01", 2) < 0 || memcmp(out, "47", 2) > 0)
			return -1;
		return 0;
	}
	if (len == 6) {
		if (in[5] - '0' != area_check_digit(in))
			return -1;
		memcpy(out, in, 7);
		return 0;
	}
	/* Five digits, or fewer with the leading zero dropped. */
	memset(digits, '0', 5);
	memcpy(digits + 5 - len, in, len);
	if (memcmp(digits, "01", 2) < 0 || memcmp(digits, "47", 2) > 0)
		return -1;
	digits[5] = '0' + area_check_digit(digits);
	digits[6] = '\0';
	memcpy(out, digits, 7);
	return 0;
}
