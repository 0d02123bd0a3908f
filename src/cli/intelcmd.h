/* intelcmd.h - "phishdissect update-data" and "phishdissect feeds"
 * (src/cli/intelcmd.c).  Each takes the subcommand's argv (argv[0] is
 * the subcommand) and returns the exit status. */
#ifndef PD_INTELCMD_H
#define PD_INTELCMD_H

int pd_cmd_update_data(int argc, char **argv);
int pd_cmd_feeds(int argc, char **argv);

#endif
