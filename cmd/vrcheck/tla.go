package main

import (
	"io"

	"github.com/vrcheck/vrcheck/checker/tla/cli"
)

func cmdTLA(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	return cli.Run(args, stdout, stderr)
}
