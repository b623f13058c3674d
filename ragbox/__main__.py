from ragbox.cli import main

main()
