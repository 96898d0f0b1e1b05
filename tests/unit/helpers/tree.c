/* Test helper: shared fixture files into hand-built layers (see tree.h). */
#include "helpers/tree.h"
#include "vigil/alloc.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *tree_shared(void)
{
	const char *s = getenv("VIGIL_SHARED");

	return s && *s ? s : "/work/shared";
}

const char *tree_fixture(const char *rel)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/images/fixtures/%s", tree_shared(), rel);
	return path;
}

char *tree_slurp(const char *disk_path, size_t *len)
{
	FILE *f = fopen(disk_path, "rb");
	char *data = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 65536;
			data = vigil_realloc(data, cap + 1);
		}
		got = fread(data + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	data[n] = '\0';
	*len = n;
	return data;
}

int tree_add(struct vigil_layer *l, enum vigil_entry_type type, const char *path,
	     const char *data, size_t len)
{
	char *copy = vigil_malloc(len + 1);

	memcpy(copy, data, len);
	copy[len] = '\0';
	return vigil_layer_add(l, type, path, copy, len) < 0 ? -1 : 0;
}

int tree_add_file(struct vigil_layer *l, const char *disk_path, const char *path)
{
	size_t len;
	char *data = tree_slurp(disk_path, &len);

	if (!data)
		return -1;
	return vigil_layer_add(l, VIGIL_ENTRY_FILE, path, data, len) < 0 ? -1 : 0;
}

static int add_link(struct vigil_layer *l, const char *disk_path, const char *path)
{
	char target[4096];
	ssize_t n = readlink(disk_path, target, sizeof(target) - 1);

	if (n < 0)
		return -1;
	return tree_add(l, VIGIL_ENTRY_SYMLINK, path, target, (size_t)n);
}

int tree_add_dir(struct vigil_layer *l, const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct stat st;
	char disk[4096], path[4096];
	int added = 0, n;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(disk, sizeof(disk), "%s/%s", dir, de->d_name);
		snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "/" : "", de->d_name);
		if (lstat(disk, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode))
			n = add_link(l, disk, path) < 0 ? -1 : 1;
		else if (S_ISREG(st.st_mode))
			n = tree_add_file(l, disk, path) < 0 ? -1 : 1;
		else if (S_ISDIR(st.st_mode))
			n = tree_add_dir(l, disk, path);
		else
			n = 0;
		if (n < 0) {
			closedir(d);
			return -1;
		}
		added += n;
	}
	closedir(d);
	return added;
}
